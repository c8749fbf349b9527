package dev.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.testkit.smsc.SmscSimulator;
import dev.switchboard.testkit.smsc.SubmittedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deploy: the engine's jar, sending SMS over SMPP under load, is stopped with SIGTERM and started
 * again on the same data. It stops taking jobs, lets the attempts in flight finish before its SMPP
 * bind closes and exits within its bound; afterwards every {@code 202} message is delivered and the
 * SMSC received none of them twice.
 */
class GracefulRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private String amqpUri;
  private Path dataDir;
  private SmscSimulator smsc;

  @BeforeEach
  void setUp() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("graceful");
    dataDir = Files.createTempDirectory("switchboard-graceful");
    // Receipts for messages sent just before the stop wait for the next bind, as an SMSC keeps
    // them.
    smsc =
        SmscSimulator.start(
            SmscSimulator.Options.defaults()
                .withCredentials("switchboard", "s3cretpw")
                .withRedelivery(600, Duration.ofMillis(100)));
  }

  @AfterEach
  void tearDown() {
    smsc.close();
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void aRestartUnderLoadSendsNothingTwiceAndLosesNothing() throws Exception {
    Map<String, String> env =
        Map.of(
            "SWITCHBOARD_SMPP_URI",
            "smpp://switchboard:s3cretpw@127.0.0.1:"
                + smsc.port()
                + "?source=Switchboard&window=20");
    EngineJar engine = new EngineJar(dataDir, amqpUri, "", env, List.of());
    List<String> accepted;
    try (engine) {
      engine.start();
      try (Traffic traffic = new Traffic(engine, "sms", 8)) {
        int target = traffic.acceptedCount() + 300;
        await("300 accepted before the stop")
            .atMost(Duration.ofSeconds(60))
            .until(() -> traffic.acceptedCount() >= target);
        Duration stopping = engine.terminate();
        assertThat(stopping).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(40));
        engine.start();
        int after = traffic.acceptedCount() + 200;
        await("200 more accepted after the restart")
            .atMost(Duration.ofSeconds(60))
            .until(() -> traffic.acceptedCount() >= after);
        assertThat(traffic.unexpected()).as("answers other than 202/503").isZero();
        accepted = traffic.accepted();
      }

      List<String> pending = new ArrayList<>(accepted);
      await("every accepted message delivered; log " + engine.log())
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                Map<String, String> open = new TreeMap<>();
                for (String id : List.copyOf(pending)) {
                  String status =
                      JSON.readTree(engine.get("/v1/messages/" + id).body())
                          .path("status")
                          .asText();
                  if ("delivered".equals(status)) {
                    pending.remove(id);
                  } else {
                    open.put(id, status);
                  }
                }
                assertThat(open).as("not delivered, of %d", accepted.size()).isEmpty();
              });
    }

    Map<String, Long> submitsPerText =
        smsc.submitted().stream()
            .filter(m -> m.commandStatus() == 0)
            .collect(Collectors.groupingBy(GracefulRestartTest::text, Collectors.counting()));
    Map<String, Long> twice =
        submitsPerText.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(submitsPerText.size())
        .as("texts at the SMSC")
        .isGreaterThanOrEqualTo(accepted.size());
    assertThat(twice).as("messages the SMSC received more than once").isEmpty();
  }

  // The tests' texts are plain ASCII: GSM-7 unpacked, one byte a character.
  private static String text(SubmittedMessage m) {
    return new String(m.shortMessage(), StandardCharsets.US_ASCII);
  }
}
