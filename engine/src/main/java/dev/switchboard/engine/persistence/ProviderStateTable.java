package dev.switchboard.engine.persistence;

import dev.switchboard.engine.provider.ProviderState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link ProviderState} in the journal's database: one row per provider instance and key, its
 * version bumped by every write, and a write refused unless it names the version it read (an insert
 * for the first one, which a duplicate key refuses).
 */
public final class ProviderStateTable implements ProviderState {
  static final String TABLE = "switchboard_provider_state";
  private static final String UNIQUE_VIOLATION = "23505";

  private final SqlStore store;
  private final Clock clock;

  private ProviderStateTable(SqlStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The table on {@code store}, created if missing (blocking: call at start-up). */
  public static ProviderStateTable create(SqlStore store, Clock clock) throws SQLException {
    store.ensure(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (provider VARCHAR(64) NOT NULL, state_key VARCHAR(64) NOT NULL,"
            + " version BIGINT NOT NULL, state_value VARCHAR(8000) NOT NULL,"
            + " updated_at TIMESTAMP NOT NULL, PRIMARY KEY (provider, state_key))");
    return new ProviderStateTable(store, clock);
  }

  @Override
  public CompletionStage<Optional<Entry>> read(String provider, String key) {
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement(
                  "SELECT version, state_value FROM "
                      + TABLE
                      + " WHERE provider = ? AND state_key = ?")) {
            st.setString(1, provider);
            st.setString(2, key);
            try (ResultSet rows = st.executeQuery()) {
              return rows.next()
                  ? Optional.of(new Entry(rows.getLong(1), rows.getString(2)))
                  : Optional.<Entry>empty();
            }
          }
        });
  }

  @Override
  public CompletionStage<Boolean> write(
      String provider, String key, long expectedVersion, String value) {
    Timestamp now = Timestamp.from(clock.instant());
    return store.run(
        connection -> {
          if (expectedVersion == 0) {
            try (PreparedStatement st =
                connection.prepareStatement(
                    "INSERT INTO "
                        + TABLE
                        + " (provider, state_key, version, state_value, updated_at)"
                        + " VALUES (?, ?, 1, ?, ?)")) {
              st.setString(1, provider);
              st.setString(2, key);
              st.setString(3, value);
              st.setTimestamp(4, now);
              return st.executeUpdate() == 1;
            } catch (SQLException e) {
              if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
              }
              throw e;
            }
          }
          try (PreparedStatement st =
              connection.prepareStatement(
                  "UPDATE "
                      + TABLE
                      + " SET version = version + 1, state_value = ?, updated_at = ?"
                      + " WHERE provider = ? AND state_key = ? AND version = ?")) {
            st.setString(1, value);
            st.setTimestamp(2, now);
            st.setString(3, provider);
            st.setString(4, key);
            st.setLong(5, expectedVersion);
            return st.executeUpdate() == 1;
          }
        });
  }
}
