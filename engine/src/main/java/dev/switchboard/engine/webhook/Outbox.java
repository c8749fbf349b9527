package dev.switchboard.engine.webhook;

import dev.switchboard.engine.persistence.SqlStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code webhook_outbox} table: one row per event, which is all the state delivery needs (a
 * restarted dispatcher carries on from it). A dispatcher claims a row with a lease, updated
 * conditionally, so two dispatchers never send the same row at the same time; results are written
 * only by the lease holder. Times are epoch milliseconds, the same on H2 and PostgreSQL.
 */
public final class Outbox {
  static final String TABLE = "webhook_outbox";
  private static final String COLUMNS =
      "id, account, event_type, url, target, body, state, attempts, last_error, created_at,"
          + " updated_at";

  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS "
        + TABLE
        + " ("
        + "id VARCHAR(255) NOT NULL PRIMARY KEY,"
        + " account VARCHAR(255) NOT NULL,"
        + " event_type VARCHAR(32) NOT NULL,"
        + " url VARCHAR(4096) NOT NULL,"
        + " target VARCHAR(512) NOT NULL,"
        + " body VARCHAR NOT NULL,"
        + " state VARCHAR(16) NOT NULL,"
        + " attempts INT NOT NULL,"
        + " next_attempt_at BIGINT NOT NULL,"
        + " lease_owner VARCHAR(64),"
        + " lease_until BIGINT,"
        + " last_error VARCHAR(512),"
        + " created_at BIGINT NOT NULL,"
        + " updated_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_outbox_due ON " + TABLE + " (state, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS webhook_outbox_failed ON " + TABLE + " (account, state, updated_at)"
  };

  /** A SQL state both H2 and PostgreSQL use for a duplicate key. */
  private static final String UNIQUE_VIOLATION = "23505";

  private final SqlStore store;
  private volatile CompletableFuture<Void> schema;

  public Outbox(SqlStore store) {
    this.store = store;
  }

  /**
   * Creates the table and indexes if missing; retried on the next call after a failure, so a node
   * that started without its database recovers.
   */
  public synchronized CompletableFuture<Void> ready() {
    CompletableFuture<Void> current = schema;
    if (current == null || current.isCompletedExceptionally()) {
      current =
          store.run(
              connection -> {
                try (var st = connection.createStatement()) {
                  for (String ddl : SCHEMA) {
                    st.execute(ddl);
                  }
                }
                return null;
              });
      schema = current;
    }
    return current;
  }

  /** Queues {@code event}; true when it is new, false when it was queued before (same id). */
  public CompletableFuture<Boolean> enqueue(WebhookEvent event, Instant now) {
    boolean postgres = store.settings().isPostgres();
    String sql =
        "INSERT INTO "
            + TABLE
            + " (id, account, event_type, url, target, body, state, attempts, next_attempt_at,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)"
            + (postgres ? " ON CONFLICT (id) DO NOTHING" : "");
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      try (PreparedStatement st = connection.prepareStatement(sql)) {
                        st.setString(1, event.id());
                        st.setString(2, event.account());
                        st.setString(3, event.type());
                        st.setString(4, event.url());
                        st.setString(5, target(event.url()));
                        st.setString(6, event.body());
                        st.setLong(7, now.toEpochMilli());
                        st.setLong(8, event.createdAt().toEpochMilli());
                        st.setLong(9, now.toEpochMilli());
                        return st.executeUpdate() == 1;
                      } catch (SQLException e) {
                        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                          return false;
                        }
                        throw e;
                      }
                    }));
  }

  /**
   * Claims due events for {@code owner} until {@code leaseUntil}: at most {@code limit}, and per
   * target no more than its room in {@code roomPerTarget} (targets not in it have {@code
   * perTarget}), so a target with a backlog never takes another target's turn.
   */
  public CompletableFuture<List<OutboxRow>> claim(
      String owner,
      Instant now,
      Instant leaseUntil,
      int limit,
      int perTarget,
      Map<String, Integer> roomPerTarget) {
    List<String> full =
        roomPerTarget.entrySet().stream()
            .filter(e -> e.getValue() <= 0)
            .map(Map.Entry::getKey)
            .toList();
    String excluded =
        full.isEmpty() ? "" : " AND target NOT IN (" + "?,".repeat(full.size() - 1) + "?)";
    String candidates =
        "SELECT "
            + COLUMNS
            + " FROM (SELECT "
            + COLUMNS
            + ", next_attempt_at, ROW_NUMBER() OVER (PARTITION BY target ORDER BY next_attempt_at,"
            + " id) AS rn FROM "
            + TABLE
            + " WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR"
            + " lease_until < ?)"
            + excluded
            + ") c WHERE rn <= ? ORDER BY next_attempt_at, id LIMIT ?";
    String take =
        "UPDATE "
            + TABLE
            + " SET lease_owner = ?, lease_until = ? WHERE id = ? AND state = 'pending' AND"
            + " (lease_until IS NULL OR lease_until < ?)";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      List<OutboxRow> found = new ArrayList<>();
                      try (PreparedStatement st = connection.prepareStatement(candidates)) {
                        int i = 1;
                        st.setLong(i++, now.toEpochMilli());
                        st.setLong(i++, now.toEpochMilli());
                        for (String target : full) {
                          st.setString(i++, target);
                        }
                        st.setInt(i++, perTarget);
                        st.setInt(i, limit);
                        try (ResultSet rs = st.executeQuery()) {
                          while (rs.next()) {
                            found.add(row(rs));
                          }
                        }
                      }
                      Map<String, Integer> room = new HashMap<>(roomPerTarget);
                      List<OutboxRow> claimed = new ArrayList<>();
                      try (PreparedStatement st = connection.prepareStatement(take)) {
                        for (OutboxRow row : found) {
                          if (room.getOrDefault(row.target(), perTarget) <= 0) {
                            continue;
                          }
                          st.setString(1, owner);
                          st.setLong(2, leaseUntil.toEpochMilli());
                          st.setString(3, row.id());
                          st.setLong(4, now.toEpochMilli());
                          // Another dispatcher may have taken it since: then it is not ours.
                          if (st.executeUpdate() == 1) {
                            claimed.add(row);
                            room.merge(row.target(), perTarget - 1, (a, b) -> a - 1);
                          }
                        }
                      }
                      return claimed;
                    }));
  }

  /**
   * Writes an attempt's result, if {@code owner} still holds the row's lease.
   *
   * @param state pending (retry at {@code nextAttemptAt}), delivered or dead
   * @param error our words for the failure; null on delivery
   */
  public CompletableFuture<Boolean> record(
      String id,
      String owner,
      String state,
      int attempts,
      Instant nextAttemptAt,
      String error,
      Instant now) {
    String sql =
        "UPDATE "
            + TABLE
            + " SET state = ?, attempts = ?, next_attempt_at = ?, last_error = COALESCE(?,"
            + " last_error), lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND"
            + " lease_owner = ?";
    return store.run(
        connection -> {
          try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, state);
            st.setInt(2, attempts);
            st.setLong(3, nextAttemptAt.toEpochMilli());
            st.setString(4, error == null ? null : truncate(error));
            st.setLong(5, now.toEpochMilli());
            st.setString(6, id);
            st.setString(7, owner);
            return st.executeUpdate() == 1;
          }
        });
  }

  /** A page of {@code account}'s dead events, newest first, after {@code cursor} if given. */
  public CompletableFuture<FailedPage> failed(
      String account, int limit, Optional<FailedPage.Cursor> cursor) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE account = ? AND state = 'dead'"
            + (cursor.isPresent() ? " AND (updated_at < ? OR (updated_at = ? AND id < ?))" : "")
            + " ORDER BY updated_at DESC, id DESC LIMIT ?";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      try (PreparedStatement st = connection.prepareStatement(sql)) {
                        int i = 1;
                        st.setString(i++, account);
                        if (cursor.isPresent()) {
                          long at = cursor.get().failedAt().toEpochMilli();
                          st.setLong(i++, at);
                          st.setLong(i++, at);
                          st.setString(i++, cursor.get().id());
                        }
                        st.setInt(i, limit + 1);
                        List<OutboxRow> rows = new ArrayList<>();
                        try (ResultSet rs = st.executeQuery()) {
                          while (rs.next()) {
                            rows.add(row(rs));
                          }
                        }
                        if (rows.size() <= limit) {
                          return new FailedPage(rows, null);
                        }
                        List<OutboxRow> page = rows.subList(0, limit);
                        OutboxRow last = page.get(limit - 1);
                        return new FailedPage(
                            List.copyOf(page),
                            new FailedPage.Cursor(last.updatedAt(), last.id()).encode());
                      }
                    }));
  }

  /**
   * Puts {@code account}'s dead event {@code id} back to pending with a fresh attempt budget; the
   * row as it was when dead, or empty when there is no such dead event of that account.
   */
  public CompletableFuture<Optional<OutboxRow>> redeliver(String account, String id, Instant now) {
    String select =
        "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ? AND account = ? AND state = 'dead'";
    String update =
        "UPDATE "
            + TABLE
            + " SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL,"
            + " lease_until = NULL, updated_at = ? WHERE id = ? AND account = ? AND state = 'dead'";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      Optional<OutboxRow> dead = Optional.empty();
                      try (PreparedStatement st = connection.prepareStatement(select)) {
                        st.setString(1, id);
                        st.setString(2, account);
                        try (ResultSet rs = st.executeQuery()) {
                          if (rs.next()) {
                            dead = Optional.of(row(rs));
                          }
                        }
                      }
                      if (dead.isEmpty()) {
                        return dead;
                      }
                      try (PreparedStatement st = connection.prepareStatement(update)) {
                        st.setLong(1, now.toEpochMilli());
                        st.setLong(2, now.toEpochMilli());
                        st.setString(3, id);
                        st.setString(4, account);
                        // Redelivered by a concurrent call in between: that one answers.
                        return st.executeUpdate() == 1 ? dead : Optional.<OutboxRow>empty();
                      }
                    }));
  }

  /**
   * Deletes up to {@code limit} events delivered before {@code before} (a delivered row's
   * next_attempt_at is its delivery time, so the due index finds them); the number deleted.
   */
  public CompletableFuture<Integer> purgeDelivered(Instant before, int limit) {
    String sql =
        "DELETE FROM "
            + TABLE
            + " WHERE id IN (SELECT id FROM "
            + TABLE
            + " WHERE state = 'delivered' AND next_attempt_at < ? LIMIT ?)";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      try (PreparedStatement st = connection.prepareStatement(sql)) {
                        st.setLong(1, before.toEpochMilli());
                        st.setInt(2, limit);
                        return st.executeUpdate();
                      }
                    }));
  }

  /** Counts for health and gauges. */
  public record Stats(long pending, long dead, Instant oldestPending) {}

  public CompletableFuture<Stats> stats() {
    String sql =
        "SELECT state, COUNT(*), MIN(created_at) FROM "
            + TABLE
            + " WHERE state IN ('pending', 'dead') GROUP BY state";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      long pending = 0;
                      long dead = 0;
                      Instant oldest = null;
                      try (PreparedStatement st = connection.prepareStatement(sql);
                          ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                          if (OutboxRow.PENDING.equals(rs.getString(1))) {
                            pending = rs.getLong(2);
                            oldest = Instant.ofEpochMilli(rs.getLong(3));
                          } else {
                            dead = rs.getLong(2);
                          }
                        }
                      }
                      return new Stats(pending, dead, oldest);
                    }));
  }

  /** One row by id, for tests and operators. */
  public CompletableFuture<Optional<OutboxRow>> find(String id) {
    String sql = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?";
    return ready()
        .thenCompose(
            ok ->
                store.run(
                    connection -> {
                      try (PreparedStatement st = connection.prepareStatement(sql)) {
                        st.setString(1, id);
                        try (ResultSet rs = st.executeQuery()) {
                          return rs.next() ? Optional.of(row(rs)) : Optional.<OutboxRow>empty();
                        }
                      }
                    }));
  }

  /** The scheme, host and port of {@code url}: what concurrency is limited by. */
  static String target(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
      int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
      return scheme + "://" + host + ":" + port;
    } catch (URISyntaxException e) {
      return "invalid";
    }
  }

  private static String truncate(String error) {
    return error.length() <= 500 ? error : error.substring(0, 500);
  }

  private static OutboxRow row(ResultSet rs) throws SQLException {
    return new OutboxRow(
        rs.getString("id"),
        rs.getString("account"),
        rs.getString("event_type"),
        rs.getString("url"),
        rs.getString("target"),
        rs.getString("body"),
        rs.getString("state"),
        rs.getInt("attempts"),
        rs.getString("last_error"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
