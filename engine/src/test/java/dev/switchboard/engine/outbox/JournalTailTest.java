package dev.switchboard.engine.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.JournalSchema;
import dev.switchboard.engine.persistence.SqlStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's reads of the journal, on the embedded journal's real schema. */
class JournalTailTest {
  private static final String MANIFEST = "accepted";

  @TempDir Path dataDir;

  @Test
  void aRowThatCannotBeReadIsSkippedAndCountedAndTheRowsAfterItStillCome() throws Exception {
    DatabaseSettings db =
        DatabaseSettings.create(
            ConfigFactory.empty()
                .withValue(
                    "switchboard.db",
                    ConfigValueFactory.fromMap(Map.of("data-dir", dataDir.toString())))
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    JournalSchema.ensure(db);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (SqlStore store = SqlStore.open(db, 1, ForkJoinPool.commonPool())) {
      store.call(
          connection -> {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\","
                        + " \"deleted\", \"writer\", \"write_timestamp\", \"adapter_manifest\","
                        + " \"event_ser_id\", \"event_ser_manifest\", \"event_payload\")"
                        + " VALUES (?, 1, FALSE, 'w', ?, '', 1, ?, ?)")) {
              for (String text : new String[] {"first", "garbage", "third"}) {
                insert.setString(1, "Message|" + text);
                insert.setLong(2, System.currentTimeMillis());
                insert.setString(3, MANIFEST);
                insert.setBytes(4, text.getBytes(StandardCharsets.UTF_8));
                insert.executeUpdate();
              }
            }
            return null;
          });
      JournalTail tail =
          new JournalTail(
              store,
              MANIFEST,
              (payload, serializerId, manifest) -> {
                String text = new String(payload, StandardCharsets.UTF_8);
                if (text.equals("garbage")) {
                  throw new IllegalArgumentException("not an event");
                }
                return message(text);
              },
              JournalTail.unreadableRows(meters));

      JournalTail.Page page =
          tail.after(0, Long.MAX_VALUE, 10).toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(page.entries())
          .extracting(e -> e.message().text())
          .containsExactly("first", "third");
      assertThat(page.end()).isEqualTo(page.entries().get(1).ordering());
      assertThat(meters.get("switchboard.outbox.unreadable.rows").counter().count()).isEqualTo(1);
    }
  }

  private static OutboundMessage message(String text) {
    return new OutboundMessage(
        "msg_" + text,
        "default",
        "sandbox",
        "+447700900123",
        null,
        text,
        null,
        0,
        Map.of(),
        Instant.now());
  }
}
