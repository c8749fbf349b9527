package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedded default: the H2 file journal in the data directory. Message state survives a restart
 * of the node, and a second start on the same directory finds the schema and leaves it alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedJournalTest {
  private String amqpUri;

  @BeforeAll
  void vhost() {
    amqpUri = SharedBroker.freshVhostUri("embedded");
  }

  @AfterAll
  void deleteVhost() {
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void messageStateSurvivesARestartOnTheSameDataDirectory() throws Exception {
    Path dataDir = Files.createTempDirectory("switchboard-embedded");
    String id;
    try (TestNode first = TestNode.startEmbedded(amqpUri, dataDir, Map.of())) {
      id = first.sendSandbox("+447700900123", "kept").json().path("id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(first.statusOf(id)));
    }
    assertThat(dataDir.resolve("journal.mv.db")).exists();

    try (TestNode second = TestNode.startEmbedded(amqpUri, dataDir, Map.of())) {
      TestNode.Response read = second.get("/v1/messages/" + id);

      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(read.json().path("status").asText()).isEqualTo("delivered");
      assertThat(read.json().path("history").size()).isEqualTo(4);
    }
  }
}
