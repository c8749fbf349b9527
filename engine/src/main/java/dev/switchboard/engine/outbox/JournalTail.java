package dev.switchboard.engine.outbox;

import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.SqlStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepted messages in the journal ({@code event_journal}, pekko-persistence-jdbc's table),
 * read back by their {@code ordering}: the order the journal wrote them, which is acceptance order.
 */
public final class JournalTail {
  private static final Logger LOG = LoggerFactory.getLogger(JournalTail.class);

  /** Turns one stored event back into the message it accepted. */
  @FunctionalInterface
  interface Decoder {
    OutboundMessage decode(byte[] payload, int serializerId, String manifest);
  }

  /** One accepted message and where it is in the journal. */
  record Entry(long ordering, Instant journaledAt, OutboundMessage message) {}

  /**
   * Accepted messages after a position, and the position after them ({@code end}: the last row
   * read, or the position asked for when there was none).
   */
  record Page(List<Entry> entries, long end, boolean full) {}

  // Identifiers quoted: H2's schema creates them in lower case and quoted.
  private static final String TABLE = "\"event_journal\"";
  // A bound for the one query that has no index on its condition (the write time).
  private static final int LOOKBACK_ROWS = 100_000;

  private final SqlStore store;
  private final String acceptedManifest;
  private final Decoder decoder;
  private final Counter unreadable;

  /**
   * The tail of the journal on {@code store}, its events read back with the system's serializers;
   * rows that cannot be read are counted in {@code switchboard.outbox.unreadable.rows}.
   */
  public static JournalTail create(SqlStore store, ActorSystem<?> system, MeterRegistry meters) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    return new JournalTail(
        store,
        MessageEntity.Accepted.class.getName(),
        (payload, serializerId, manifest) ->
            ((MessageEntity.Accepted)
                    serialization.deserialize(payload, serializerId, manifest).get())
                .message(),
        unreadableRows(meters));
  }

  static Counter unreadableRows(MeterRegistry meters) {
    return Counter.builder("switchboard.outbox.unreadable.rows")
        .description("journal rows of accepted messages the outbox could not read, and skipped")
        .register(meters);
  }

  JournalTail(SqlStore store, String acceptedManifest, Decoder decoder, Counter unreadable) {
    this.store = store;
    this.acceptedManifest = acceptedManifest;
    this.decoder = decoder;
    this.unreadable = unreadable;
  }

  /**
   * Up to {@code limit} accepted messages journaled after {@code position} and at or before {@code
   * upTo}, in order.
   */
  CompletionStage<Page> after(long position, long upTo, int limit) {
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement(
                  "SELECT \"ordering\", \"write_timestamp\", \"event_ser_id\", \"event_payload\""
                      + " FROM "
                      + TABLE
                      + " WHERE \"ordering\" > ? AND \"ordering\" <= ? AND \"event_ser_manifest\" = ?"
                      + " ORDER BY \"ordering\" LIMIT ?")) {
            st.setLong(1, position);
            st.setLong(2, upTo);
            st.setString(3, acceptedManifest);
            st.setInt(4, limit);
            List<Entry> entries = new ArrayList<>();
            long end = position;
            try (ResultSet rows = st.executeQuery()) {
              while (rows.next()) {
                end = rows.getLong(1);
                OutboundMessage message;
                try {
                  message = decoder.decode(rows.getBytes(4), rows.getInt(3), acceptedManifest);
                } catch (RuntimeException e) {
                  // One row that cannot be read must not stop the relay for every row after it.
                  unreadable.increment();
                  LOG.error(
                      "outbox: journal row unreadable, skipped: ordering={} cause={}",
                      end,
                      e.toString());
                  continue;
                }
                entries.add(new Entry(end, Instant.ofEpochMilli(rows.getLong(2)), message));
              }
            }
            return new Page(entries, end, entries.size() == limit);
          }
        });
  }

  /**
   * The position just before the first event journaled at or after {@code since}: a relay started
   * there publishes everything from then on. Looks back at most {@value #LOOKBACK_ROWS} events.
   */
  CompletionStage<Long> positionBefore(Instant since) {
    return store.run(
        connection -> {
          long head = head(connection);
          try (PreparedStatement st =
              connection.prepareStatement(
                  "SELECT MIN(\"ordering\") FROM "
                      + TABLE
                      + " WHERE \"ordering\" > ? AND \"write_timestamp\" >= ?")) {
            st.setLong(1, head - LOOKBACK_ROWS);
            st.setLong(2, since.toEpochMilli());
            try (ResultSet rows = st.executeQuery()) {
              rows.next();
              long first = rows.getLong(1);
              return rows.wasNull() ? head : first - 1;
            }
          }
        });
  }

  /** Accepted messages of every channel journaled after {@code position}. */
  CompletionStage<Long> countAfter(long position) {
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement(
                  "SELECT COUNT(*) FROM "
                      + TABLE
                      + " WHERE \"ordering\" > ? AND \"event_ser_manifest\" = ?")) {
            st.setLong(1, position);
            st.setString(2, acceptedManifest);
            try (ResultSet rows = st.executeQuery()) {
              rows.next();
              return rows.getLong(1);
            }
          }
        });
  }

  /** The last event's position in the journal. */
  CompletionStage<Long> head() {
    return store.run(JournalTail::head);
  }

  private static long head(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement st =
            connection.prepareStatement("SELECT MAX(\"ordering\") FROM " + TABLE);
        ResultSet rows = st.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
