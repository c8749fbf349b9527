package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A broker URI that does not parse, with a password in it, never shows that password: not in the
 * health detail's {@code lastError}, not on the API port, not in any log line or logged cause.
 */
class CredentialsRedactedTest {
  private static final String PASSWORD = "pa ss%zz/w0rd";
  private static final List<String> FRAGMENTS = List.of("pa ss", "w0rd", "%zz");

  @Test
  void aMalformedAmqpUrisPasswordReachesNeitherHealthNorLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Level level = root.getLevel();
    root.setLevel(Level.DEBUG);
    try (TestNode node =
        TestNode.startNotReady(
            "amqp://guest:" + PASSWORD + "@127.0.0.1:5672/",
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s"))) {
      await("the broker's failure in health")
          .atMost(Duration.ofSeconds(30))
          // Textual: a component not registered yet reads as missing, which is not null either.
          .until(() -> broker(node).path("lastError").isTextual());

      JsonNode broker = broker(node);
      String detail = node.management("/health/ready").body();
      String status = node.get("/health/ready").body();

      assertThat(broker.path("lastError").asText()).contains("invalid AMQP URI");
      assertThat(detail).doesNotContain(FRAGMENTS);
      assertThat(status).doesNotContain(FRAGMENTS);
    } finally {
      root.detachAppender(logs);
      root.setLevel(level);
    }
    assertThat(logged(logs))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).doesNotContain(FRAGMENTS));
  }

  private static JsonNode broker(TestNode node) {
    return node.management("/health/ready").json().path("components").path("broker.sandbox");
  }

  private static List<String> logged(ListAppender<ILoggingEvent> logs) {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      lines.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    return lines;
  }
}
