package dev.switchboard.engine.reconcile;

import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.persistence.SqlStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The reconciler's reads of {@code event_journal} (pekko-persistence-jdbc's table, as its shipped
 * schema creates it: quoted lower-case names), its one-row watermark table and its table of
 * messages waiting for receipts. A message is open while its newest event (no later sequence number
 * for its persistence id) is one of the non-terminal events; each query starts above the watermark,
 * so rows of messages that were closed at an earlier pass are not read again. A message that waits
 * for a receipt (up to the channel's receipt window, days) does not hold the watermark back: it is
 * parked in {@value #PARKED_TABLE} as the watermark passes it, and looked at again there when its
 * window ends.
 */
final class JournalScan {
  static final String WATERMARK_TABLE = "switchboard_reconciler";
  static final String PARKED_TABLE = "switchboard_reconciler_receipts";

  /** What an overdue message's newest event says it waits for. */
  enum Waiting {
    /** Accepted (or a legacy attempt start): its job should have been taken by now. */
    SEND(MessageEntity.Accepted.class, MessageEntity.AttemptStarted.class),
    /** A retry was scheduled: it should have run by now. */
    RETRY(MessageEntity.RetryScheduled.class),
    /** Sent, or a part's receipt came: the rest of its receipts. */
    RECEIPT(MessageEntity.ProviderAccepted.class, MessageEntity.PartReceiptRecorded.class);

    private final List<String> manifests;

    Waiting(Class<?>... events) {
      this.manifests = java.util.Arrays.stream(events).map(Class::getName).toList();
    }

    static Waiting of(String manifest) {
      for (Waiting w : values()) {
        if (w.manifests.contains(manifest)) {
          return w;
        }
      }
      throw new IllegalArgumentException("not an open event: " + manifest);
    }
  }

  /**
   * An overdue message: its newest event's ordering and time, what it waits for, and whether it was
   * found among the parked ones.
   */
  record Overdue(
      long ordering, String messageId, Waiting waiting, Instant writtenAt, boolean parked) {}

  /** Journal rows older than these are overdue, per what their message waits for. */
  record Deadlines(Instant send, Instant retry, Instant receipt) {}

  /**
   * Where the next watermark may go: the smallest ordering of a message waiting to be sent or
   * retried, older than the recent lag (null when none), how many messages are open (those, and the
   * parked ones waiting for receipts), the smallest ordering written since the recent lag (null
   * when none), and the largest ordering above the watermark (null when there is none).
   */
  record Bound(Long minOpen, long open, Long minRecent, Long max) {

    /** The next watermark (exclusive): just below whatever must be read again. */
    long next(long low) {
      long next = max == null ? low : max;
      if (minOpen != null) {
        next = Math.min(next, minOpen - 1);
      }
      if (minRecent != null) {
        next = Math.min(next, minRecent - 1);
      }
      return Math.max(low, next);
    }
  }

  private static final String PREFIX = MessageEntity.TYPE_KEY.name() + "|%";
  private static final String NEWEST =
      " AND NOT EXISTS (SELECT 1 FROM \"event_journal\" l"
          + " WHERE l.\"persistence_id\" = e.\"persistence_id\""
          + " AND l.\"sequence_number\" > e.\"sequence_number\")";

  private final SqlStore store;

  JournalScan(SqlStore store) {
    this.store = store;
  }

  /**
   * The oldest overdue messages whose newest event is above {@code from}, at most {@code limit}.
   */
  CompletionStage<List<Overdue>> overdue(long from, Deadlines deadlines, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT e.\"ordering\", e.\"persistence_id\", e.\"event_ser_manifest\","
                + " e.\"write_timestamp\" FROM \"event_journal\" e"
                + " WHERE e.\"ordering\" > ? AND e.\"persistence_id\" LIKE ? AND (");
    List<Object> params = new ArrayList<>(List.of(from, PREFIX));
    Waiting[] kinds = Waiting.values();
    Instant[] times = {deadlines.send(), deadlines.retry(), deadlines.receipt()};
    for (int i = 0; i < kinds.length; i++) {
      if (i > 0) {
        sql.append(" OR ");
      }
      sql.append("(e.\"event_ser_manifest\" IN (")
          .append(String.join(", ", kinds[i].manifests.stream().map(m -> "?").toList()))
          .append(") AND e.\"write_timestamp\" < ?)");
      params.addAll(kinds[i].manifests);
      params.add(times[i].toEpochMilli());
    }
    sql.append(")").append(NEWEST).append(" ORDER BY e.\"ordering\" LIMIT ?");
    params.add(limit);
    return store.run(
        connection -> {
          List<Overdue> found = new ArrayList<>();
          try (PreparedStatement st = prepare(connection, sql.toString(), params);
              ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              String pid = rs.getString(2);
              found.add(
                  new Overdue(
                      rs.getLong(1),
                      pid.substring(pid.indexOf('|') + 1),
                      Waiting.of(rs.getString(3)),
                      Instant.ofEpochMilli(rs.getLong(4)),
                      false));
            }
          }
          return found;
        });
  }

  /**
   * Where the next watermark may go from {@code low}. Only messages waiting to be sent or retried
   * hold it back, and only those written before the rows of the recent lag, which are read again
   * anyway: the costly search for a newest event runs over few rows.
   */
  CompletionStage<Bound> bound(long low, Instant recentSince) {
    List<String> open =
        java.util.Arrays.stream(new Waiting[] {Waiting.SEND, Waiting.RETRY})
            .flatMap(w -> w.manifests.stream())
            .toList();
    String rowsSql =
        "SELECT MIN(CASE WHEN \"write_timestamp\" >= ? THEN \"ordering\" END), MAX(\"ordering\")"
            + " FROM \"event_journal\" WHERE \"ordering\" > ?";
    String openSql =
        "SELECT MIN(e.\"ordering\"), COUNT(*) FROM \"event_journal\" e"
            + " WHERE e.\"ordering\" > ? AND e.\"ordering\" < ? AND e.\"persistence_id\" LIKE ?"
            + " AND e.\"event_ser_manifest\" IN ("
            + String.join(", ", open.stream().map(m -> "?").toList())
            + ")"
            + NEWEST;
    return store.run(
        connection -> {
          Long minRecent;
          Long max;
          try (PreparedStatement st =
                  prepare(connection, rowsSql, List.of(recentSince.toEpochMilli(), low));
              ResultSet rs = st.executeQuery()) {
            rs.next();
            minRecent = nullable(rs, 1);
            max = nullable(rs, 2);
          }
          Long minOpen = null;
          long count = 0;
          if (max != null) {
            long below = minRecent == null ? max + 1 : minRecent;
            List<Object> openParams = new ArrayList<>(List.of(low, below, PREFIX));
            openParams.addAll(open);
            try (PreparedStatement st = prepare(connection, openSql, openParams);
                ResultSet rs = st.executeQuery()) {
              rs.next();
              minOpen = nullable(rs, 1);
              count = rs.getLong(2);
            }
          }
          try (Statement st = connection.createStatement();
              ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PARKED_TABLE)) {
            rs.next();
            count += rs.getLong(1);
          }
          return new Bound(minOpen, count, minRecent, max);
        });
  }

  /**
   * Parks the messages whose newest event, in {@code (low, high]}, waits for a receipt: the
   * watermark is about to pass them. Each is looked at again once {@code window} after its event.
   */
  CompletionStage<Integer> park(long low, long high, Duration window) {
    if (high <= low) {
      return java.util.concurrent.CompletableFuture.completedFuture(0);
    }
    List<String> manifests = Waiting.RECEIPT.manifests;
    String sql =
        "SELECT e.\"ordering\", e.\"persistence_id\", e.\"sequence_number\","
            + " e.\"write_timestamp\" FROM \"event_journal\" e"
            + " WHERE e.\"ordering\" > ? AND e.\"ordering\" <= ? AND e.\"persistence_id\" LIKE ?"
            + " AND e.\"event_ser_manifest\" IN ("
            + String.join(", ", manifests.stream().map(m -> "?").toList())
            + ")"
            + NEWEST;
    List<Object> params = new ArrayList<>(List.of(low, high, PREFIX));
    params.addAll(manifests);
    return store.run(
        connection -> {
          int parked = 0;
          try (PreparedStatement select = prepare(connection, sql, params);
              ResultSet rs = select.executeQuery();
              PreparedStatement update =
                  connection.prepareStatement(
                      "UPDATE "
                          + PARKED_TABLE
                          + " SET ordering = ?, sequence_number = ?, written_at = ?, due_at = ?"
                          + " WHERE persistence_id = ? AND ordering < ?");
              PreparedStatement insert =
                  connection.prepareStatement(
                      "INSERT INTO "
                          + PARKED_TABLE
                          + " (persistence_id, ordering, sequence_number, written_at, due_at)"
                          + " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                          + PARKED_TABLE
                          + " WHERE persistence_id = ?)")) {
            while (rs.next()) {
              long ordering = rs.getLong(1);
              String pid = rs.getString(2);
              long sequence = rs.getLong(3);
              long written = rs.getLong(4);
              long due = written + window.toMillis();
              update.setLong(1, ordering);
              update.setLong(2, sequence);
              update.setLong(3, written);
              update.setLong(4, due);
              update.setString(5, pid);
              update.setLong(6, ordering);
              if (update.executeUpdate() == 0) {
                insert.setString(1, pid);
                insert.setLong(2, ordering);
                insert.setLong(3, sequence);
                insert.setLong(4, written);
                insert.setLong(5, due);
                insert.setString(6, pid);
                insert.executeUpdate();
              }
              parked++;
            }
          }
          return parked;
        });
  }

  /**
   * The parked messages due by {@code now} that still wait (no later event), soonest due first, at
   * most {@code limit}; the others, which moved on, are forgotten first.
   */
  CompletionStage<List<Overdue>> dueReceipts(Instant now, int limit) {
    String forget =
        "DELETE FROM "
            + PARKED_TABLE
            + " WHERE EXISTS (SELECT 1 FROM \"event_journal\" l"
            + " WHERE l.\"persistence_id\" = "
            + PARKED_TABLE
            + ".persistence_id AND l.\"sequence_number\" > "
            + PARKED_TABLE
            + ".sequence_number)";
    String due =
        "SELECT ordering, persistence_id, written_at FROM "
            + PARKED_TABLE
            + " WHERE due_at <= ? ORDER BY due_at LIMIT ?";
    return store.run(
        connection -> {
          try (Statement st = connection.createStatement()) {
            st.executeUpdate(forget);
          }
          List<Overdue> found = new ArrayList<>();
          try (PreparedStatement st = prepare(connection, due, List.of(now.toEpochMilli(), limit));
              ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              String pid = rs.getString(2);
              found.add(
                  new Overdue(
                      rs.getLong(1),
                      pid.substring(pid.indexOf('|') + 1),
                      Waiting.RECEIPT,
                      Instant.ofEpochMilli(rs.getLong(3)),
                      true));
            }
          }
          return found;
        });
  }

  /** A parked message is done with (closed), or due again only at {@code dueAt} (null: done). */
  CompletionStage<Void> settleParked(String messageId, Instant dueAt) {
    String pid = MessageEntity.TYPE_KEY.name() + "|" + messageId;
    return store.run(
        connection -> {
          if (dueAt == null) {
            try (PreparedStatement st =
                prepare(
                    connection,
                    "DELETE FROM " + PARKED_TABLE + " WHERE persistence_id = ?",
                    List.of(pid))) {
              st.executeUpdate();
            }
          } else {
            try (PreparedStatement st =
                prepare(
                    connection,
                    "UPDATE " + PARKED_TABLE + " SET due_at = ? WHERE persistence_id = ?",
                    List.of(dueAt.toEpochMilli(), pid))) {
              st.executeUpdate();
            }
          }
          return null;
        });
  }

  /** The saved watermark (0 before the first pass), its table created if missing. */
  CompletionStage<Long> loadWatermark() {
    return store.run(
        connection -> {
          try (Statement st = connection.createStatement()) {
            st.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + WATERMARK_TABLE
                    + " (id INT PRIMARY KEY, watermark BIGINT NOT NULL, updated_at BIGINT NOT NULL)");
            st.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + PARKED_TABLE
                    + " (persistence_id VARCHAR(255) PRIMARY KEY, ordering BIGINT NOT NULL,"
                    + " sequence_number BIGINT NOT NULL, written_at BIGINT NOT NULL,"
                    + " due_at BIGINT NOT NULL)");
            st.execute(
                "CREATE INDEX IF NOT EXISTS "
                    + PARKED_TABLE
                    + "_due ON "
                    + PARKED_TABLE
                    + " (due_at)");
          }
          try (Statement st = connection.createStatement();
              ResultSet rs =
                  st.executeQuery("SELECT watermark FROM " + WATERMARK_TABLE + " WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /** Saves the watermark; it only moves forward (another node may have saved a higher one). */
  CompletionStage<Void> saveWatermark(long watermark, Instant at) {
    return store.run(
        connection -> {
          try (PreparedStatement update =
              prepare(
                  connection,
                  "UPDATE "
                      + WATERMARK_TABLE
                      + " SET watermark = ?, updated_at = ? WHERE id = 1 AND watermark <= ?",
                  List.of(watermark, at.toEpochMilli(), watermark))) {
            if (update.executeUpdate() == 0) {
              insertIfMissing(connection, watermark, at);
            }
          }
          return null;
        });
  }

  private static void insertIfMissing(Connection connection, long watermark, Instant at)
      throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM " + WATERMARK_TABLE + " WHERE id = 1")) {
      if (rs.next()) {
        return;
      }
    }
    try (PreparedStatement insert =
        prepare(
            connection,
            "INSERT INTO " + WATERMARK_TABLE + " (id, watermark, updated_at) VALUES (1, ?, ?)",
            List.of(watermark, at.toEpochMilli()))) {
      insert.executeUpdate();
    } catch (SQLException e) {
      // Another node inserted it meanwhile: its value stands until the next pass.
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, List<Object> params)
      throws SQLException {
    PreparedStatement st = connection.prepareStatement(sql);
    for (int i = 0; i < params.size(); i++) {
      st.setObject(i + 1, params.get(i));
    }
    return st;
  }

  private static Long nullable(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
