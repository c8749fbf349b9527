package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An account over its rate gets 429 rate_limited with Retry-After; requests without a valid key and
 * health probes do not spend its tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {
  private static final int BURST = 5;

  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("ratelimit");
    // A slow refill: the burst is spent long before a token comes back.
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.http.rate-limit.per-second",
                0.05,
                "switchboard.http.rate-limit.burst",
                BURST));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void anAccountOverItsRateIs429WithRetryAfter() {
    for (int i = 0; i < 20; i++) {
      assertThat(node.post("/v1/messages", "{}", "Authorization", "Bearer wrong").status())
          .isEqualTo(401);
      assertThat(
              node.send(HttpRequest.newBuilder(node.uri("/health/ready")).GET().build()).status())
          .isEqualTo(200);
    }
    List<Integer> statuses = new ArrayList<>();
    TestNode.Response limited = null;
    for (int i = 0; i < BURST + 1; i++) {
      TestNode.Response response =
          node.post(
              "/v1/messages",
              "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"rate " + i + "\"}");
      statuses.add(response.status());
      limited = response;
    }

    assertThat(statuses.subList(0, BURST)).as(statuses.toString()).containsOnly(202);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().path("error").path("code").asText()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 20L);
    assertThat(node.metric("switchboard_http_rate_limited_total", "account=\"default\""))
        .isEqualTo(1.0);
  }
}
