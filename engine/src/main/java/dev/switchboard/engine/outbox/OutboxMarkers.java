package dev.switchboard.engine.outbox;

import dev.switchboard.engine.persistence.SqlStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Which channels' relays have work, and from where: one row per channel whose API could not publish
 * a message itself, kept until its relay has caught up, so a restart resumes there.
 */
public final class OutboxMarkers {
  static final String TABLE = "switchboard_outbox";

  /** A relay's place in the journal, and since when its channel has had a backlog. */
  public record Marker(long position, Instant since) {}

  private final SqlStore store;
  private final String upsert;

  private OutboxMarkers(SqlStore store) {
    this.store = store;
    this.upsert =
        store.settings().isPostgres()
            ? "INSERT INTO "
                + TABLE
                + " (channel, position, since) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE"
                + " SET position = EXCLUDED.position, since = EXCLUDED.since"
            : "MERGE INTO " + TABLE + " (channel, position, since) KEY (channel) VALUES (?, ?, ?)";
  }

  /** The markers on {@code store}, their table created if missing (blocking: at start-up). */
  public static OutboxMarkers create(SqlStore store) throws SQLException {
    store.ensure(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (channel VARCHAR(64) NOT NULL PRIMARY KEY, position BIGINT NOT NULL,"
            + " since TIMESTAMP NOT NULL)");
    return new OutboxMarkers(store);
  }

  /** Every marker (blocking: at start-up). */
  public Map<String, Marker> load() throws SQLException {
    return store.call(
        connection -> {
          Map<String, Marker> markers = new HashMap<>();
          try (PreparedStatement st =
                  connection.prepareStatement("SELECT channel, position, since FROM " + TABLE);
              ResultSet rows = st.executeQuery()) {
            while (rows.next()) {
              markers.put(
                  rows.getString(1), new Marker(rows.getLong(2), rows.getTimestamp(3).toInstant()));
            }
          }
          return markers;
        });
  }

  CompletionStage<Void> save(String channel, Marker marker) {
    return store.run(
        connection -> {
          try (PreparedStatement st = connection.prepareStatement(upsert)) {
            st.setString(1, channel);
            st.setLong(2, marker.position());
            st.setTimestamp(3, Timestamp.from(marker.since()));
            st.executeUpdate();
          }
          return null;
        });
  }

  CompletionStage<Void> clear(String channel) {
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement("DELETE FROM " + TABLE + " WHERE channel = ?")) {
            st.setString(1, channel);
            st.executeUpdate();
          }
          return null;
        });
  }
}
