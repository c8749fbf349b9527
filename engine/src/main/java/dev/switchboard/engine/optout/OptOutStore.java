package dev.switchboard.engine.optout;

import dev.switchboard.engine.persistence.SqlStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@code switchboard_opt_outs} table: one row per (account, channel, recipient) that ever opted
 * out. Opting back in keeps the row with {@code opted_out} false, so that other nodes, which read
 * the rows changed since they last looked, see it too. Times are epoch milliseconds, the same on H2
 * and PostgreSQL.
 */
final class OptOutStore {
  static final String TABLE = "switchboard_opt_outs";
  private static final String COLUMNS =
      "account, channel, recipient, source, provider, detail, created_at";
  private static final int MAX_DETAIL = 512;

  /** A row as the nodes' copies need it: whether the key is opted out, as of {@code updatedAt}. */
  record Change(Key key, boolean optedOut, long updatedAt) {}

  /** What an opt-out is kept under. */
  record Key(String account, String channel, String recipient) {}

  private final SqlStore store;
  private final String upsert;

  private OptOutStore(SqlStore store) {
    this.store = store;
    this.upsert =
        store.settings().isPostgres()
            ? "INSERT INTO "
                + TABLE
                + " ("
                + COLUMNS
                + ", opted_out, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?)"
                + " ON CONFLICT (account, channel, recipient) DO UPDATE SET opted_out = TRUE,"
                + " source = EXCLUDED.source, provider = EXCLUDED.provider,"
                + " detail = EXCLUDED.detail, created_at = EXCLUDED.created_at,"
                + " updated_at = EXCLUDED.updated_at"
            : "MERGE INTO "
                + TABLE
                + " ("
                + COLUMNS
                + ", opted_out, updated_at) KEY (account, channel, recipient)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?)";
  }

  /** The store on {@code store}, its table created if missing (blocking: at start-up). */
  static OptOutStore create(SqlStore store) throws SQLException {
    store.ensure(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (account VARCHAR(255) NOT NULL, channel VARCHAR(64) NOT NULL,"
            + " recipient VARCHAR(255) NOT NULL, opted_out BOOLEAN NOT NULL,"
            + " source VARCHAR(16) NOT NULL, provider VARCHAR(255), detail VARCHAR(512),"
            + " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
            + " PRIMARY KEY (account, channel, recipient))",
        "CREATE INDEX IF NOT EXISTS switchboard_opt_outs_listed ON "
            + TABLE
            + " (account, created_at)",
        "CREATE INDEX IF NOT EXISTS switchboard_opt_outs_changed ON " + TABLE + " (updated_at)");
    return new OptOutStore(store);
  }

  /** Records {@code optOut} (again: its time and source are the latest) as of {@code now}. */
  CompletableFuture<Void> optOut(OptOut optOut, long now, Runnable written) {
    return store.run(
        connection -> {
          try (PreparedStatement st = connection.prepareStatement(upsert)) {
            st.setString(1, optOut.account());
            st.setString(2, optOut.channel());
            st.setString(3, optOut.recipient());
            st.setString(4, optOut.source());
            st.setString(5, optOut.provider());
            st.setString(6, truncate(optOut.detail()));
            st.setLong(7, optOut.createdAt().toEpochMilli());
            st.setLong(8, now);
            st.executeUpdate();
          }
          written.run();
          return null;
        });
  }

  /** Opts {@code key} back in; true when it was opted out. */
  CompletableFuture<Boolean> optIn(Key key, long now, Runnable written) {
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement(
                  "UPDATE "
                      + TABLE
                      + " SET opted_out = FALSE, updated_at = ? WHERE account = ? AND channel = ?"
                      + " AND recipient = ? AND opted_out = TRUE")) {
            st.setLong(1, now);
            st.setString(2, key.account());
            st.setString(3, key.channel());
            st.setString(4, key.recipient());
            boolean changed = st.executeUpdate() > 0;
            if (changed) {
              written.run();
            }
            return changed;
          }
        });
  }

  /**
   * Hands every row changed after {@code after} (epoch ms) to {@code each}, oldest change first,
   * streamed rather than held in a list; completes with the newest change's time ({@code after}
   * when there was none).
   */
  CompletableFuture<Long> changesAfter(long after, Consumer<Change> each) {
    return store.run(connection -> readChanges(connection, after, each));
  }

  /** As {@link #changesAfter}, on the caller's thread: at start-up. */
  long loadAll(Consumer<Change> each) throws SQLException {
    return store.call(connection -> readChanges(connection, Long.MIN_VALUE, each));
  }

  // The newest updated_at read, or `after` when nothing changed.
  private static long readChanges(java.sql.Connection connection, long after, Consumer<Change> each)
      throws SQLException {
    // Without a transaction PostgreSQL's driver reads the whole result into memory first.
    connection.setAutoCommit(false);
    long newest = after;
    try (PreparedStatement st =
        connection.prepareStatement(
            "SELECT account, channel, recipient, opted_out, updated_at FROM "
                + TABLE
                + " WHERE updated_at > ? ORDER BY updated_at")) {
      st.setFetchSize(1000);
      st.setLong(1, after);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long updatedAt = rs.getLong(5);
          each.accept(
              new Change(
                  new Key(rs.getString(1), rs.getString(2), rs.getString(3)),
                  rs.getBoolean(4),
                  updatedAt));
          newest = Math.max(newest, updatedAt);
        }
      }
    } finally {
      connection.commit();
    }
    return newest;
  }

  /** A page of {@code account}'s opt-outs (of {@code channel} if given), newest first. */
  CompletableFuture<OptOutPage> page(
      String account, Optional<String> channel, int limit, Optional<OptOutPage.Cursor> cursor) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE account = ? AND opted_out = TRUE"
            + (channel.isPresent() ? " AND channel = ?" : "")
            + (cursor.isPresent()
                ? " AND (created_at < ? OR (created_at = ? AND (channel < ? OR (channel = ? AND"
                    + " recipient < ?))))"
                : "")
            + " ORDER BY created_at DESC, channel DESC, recipient DESC LIMIT ?";
    return store.run(
        connection -> {
          try (PreparedStatement st = connection.prepareStatement(sql)) {
            int i = 1;
            st.setString(i++, account);
            if (channel.isPresent()) {
              st.setString(i++, channel.get());
            }
            if (cursor.isPresent()) {
              long at = cursor.get().createdAt().toEpochMilli();
              st.setLong(i++, at);
              st.setLong(i++, at);
              st.setString(i++, cursor.get().channel());
              st.setString(i++, cursor.get().channel());
              st.setString(i++, cursor.get().recipient());
            }
            st.setInt(i, limit + 1);
            List<OptOut> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new OptOut(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        Instant.ofEpochMilli(rs.getLong(7))));
              }
            }
            if (rows.size() <= limit) {
              return new OptOutPage(rows, null);
            }
            List<OptOut> page = rows.subList(0, limit);
            return new OptOutPage(page, OptOutPage.Cursor.after(page.get(limit - 1)).encode());
          }
        });
  }

  private static String truncate(String detail) {
    return detail == null || detail.length() <= MAX_DETAIL
        ? detail
        : detail.substring(0, MAX_DETAIL);
  }
}
