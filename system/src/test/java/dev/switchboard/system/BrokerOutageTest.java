package dev.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.RabbitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every broker site stopped for a minute under traffic, against the jar on its defaults: sends keep
 * getting {@code 202} (the journal is the outbox), the node stays ready, and once the broker is
 * back every accepted message is delivered once, in acceptance order per recipient.
 */
class BrokerOutageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  private RabbitNode broker;
  private Path dataDir;

  @BeforeEach
  void setUp() throws Exception {
    broker = RabbitNode.start(RabbitNode.freePort());
    dataDir = Files.createTempDirectory("switchboard-outage");
  }

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void everySiteDownForAMinuteUnderTrafficLosesNothingAndRefusesNothing() throws Exception {
    try (EngineJar engine = new EngineJar(dataDir, broker.amqpUri(), "", Map.of(), List.of())) {
      engine.start();
      int duringOutage;
      String waiting;
      Traffic traffic = new Traffic(engine, "sandbox", 8, Duration.ofMillis(200));
      try (traffic) {
        await("100 accepted before the outage")
            .atMost(Duration.ofSeconds(60))
            .until(() -> traffic.acceptedCount() >= 100);

        broker.stopApp();
        await("the node sees the broker down and stays ready, degraded")
            .atMost(Duration.ofSeconds(30))
            .until(() -> readiness(engine).equals("200 DEGRADED"));
        int atStop = traffic.acceptedCount();
        await("the outbox relays, its depth and age in health")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  JsonNode outbox = component(engine, "outbox.sandbox");
                  return outbox.path("mode").asText().equals("relay")
                      && outbox.path("depth").asLong() > 0;
                });
        assertThat(component(engine, "broker.sandbox").path("status").asText()).isEqualTo("DOWN");
        long started = System.nanoTime();
        var answer =
            engine.post(
                "/v1/messages",
                "{\"channel\":\"sandbox\",\"to\":\"+447700912345\",\"text\":\"x\"}");
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(millis).as("answered without waiting for the broker").isLessThan(3_000);
        waiting = JSON.readTree(answer.body()).path("id").asText();
        assertThat(read(engine, waiting).path("status").asText()).isEqualTo("accepted");
        await("ready for the whole outage")
            .during(OUTAGE)
            .atMost(OUTAGE.plusSeconds(10))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> readiness(engine).startsWith("200 "));
        duringOutage = traffic.acceptedCount() - atStop;
        broker.startApp();

        int target = traffic.acceptedCount() + 200;
        await("200 more accepted after the broker returned")
            .atMost(Duration.ofSeconds(60))
            .until(() -> traffic.acceptedCount() >= target);
      }
      assertThat(duringOutage).as("messages accepted while the broker was down").isGreaterThan(500);
      await("the API publishes by itself again")
          .atMost(Duration.ofSeconds(60))
          .until(() -> component(engine, "outbox.sandbox").path("mode").asText().equals("direct"));
      assertThat(metric(engine, "switchboard_outbox_published_total"))
          .as("published by the relay from the journal")
          .isGreaterThanOrEqualTo(duringOutage);
      assertThat(traffic.unavailable()).as("503 answers").isZero();
      assertThat(traffic.unexpected()).as("answers other than 202").isZero();

      List<String> accepted = new java.util.ArrayList<>(traffic.accepted());
      accepted.add(waiting);
      List<String> pending = new ArrayList<>(accepted);
      await("every accepted message delivered; log " + engine.log())
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                Map<String, String> open = new TreeMap<>();
                for (String id : List.copyOf(pending)) {
                  JsonNode message = read(engine, id);
                  String status = message.path("status").asText();
                  if (status.equals("delivered")) {
                    pending.remove(id);
                  } else if (open.size() < 20) {
                    open.put(id, status + " " + message.path("error"));
                  }
                }
                assertThat(pending)
                    .as("not delivered yet, of %d; the first: %s", accepted.size(), open)
                    .isEmpty();
              });

      for (Map.Entry<String, List<String>> recipient : traffic.acceptedByRecipient().entrySet()) {
        Instant previous = Instant.MIN;
        for (String id : recipient.getValue()) {
          JsonNode message = read(engine, id);
          assertThat(message.path("attempts").asInt()).as("attempts of %s", id).isEqualTo(1);
          Instant sending = firstAt(message, "sending");
          assertThat(sending)
              .as("%s to %s handed to the provider in acceptance order", id, recipient.getKey())
              .isAfterOrEqualTo(previous);
          previous = sending;
        }
      }
    }
  }

  // "<status code> <status>", e.g. "200 DEGRADED"; the API port's readiness says no more.
  private static String readiness(EngineJar engine) throws Exception {
    var answer = engine.get("/health/ready");
    return answer.statusCode() + " " + JSON.readTree(answer.body()).path("status").asText();
  }

  private static JsonNode component(EngineJar engine, String name) throws Exception {
    return JSON.readTree(engine.management("/health/ready").body()).path("components").path(name);
  }

  // The sum of a metric's series in the management port's scrape.
  private static double metric(EngineJar engine, String name) throws Exception {
    double sum = 0;
    for (String line : engine.management("/metrics").body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static JsonNode read(EngineJar engine, String id) throws Exception {
    return JSON.readTree(engine.get("/v1/messages/" + id).body());
  }

  private static Instant firstAt(JsonNode message, String status) {
    for (JsonNode entry : message.path("history")) {
      if (entry.path("status").asText().equals(status)) {
        return Instant.parse(entry.path("at").asText());
      }
    }
    throw new AssertionError("no " + status + " in the history of " + message);
  }
}
