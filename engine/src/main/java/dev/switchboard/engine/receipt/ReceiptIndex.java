package dev.switchboard.engine.receipt;

import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.ProviderIdIndex;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The provider-id index in the journal's database: one row per id a provider gave a message (one
 * per SMS segment), keyed by provider instance and id. SMSCs reuse ids once their counters wrap (or
 * after a reset), so the newest message recorded under an id wins. The ids this node recorded last
 * are also kept in memory: a receipt usually follows its send within a second, and finding it there
 * spares the database a query per receipt (and the receipt a retry while the row is written).
 */
public final class ReceiptIndex implements ProviderIdIndex {
  static final String TABLE = "switchboard_provider_ids";

  private final SqlStore store;
  private final Clock clock;
  private final String insert;
  private final Map<String, String> recent;

  private ReceiptIndex(SqlStore store, Clock clock, int recentIds) {
    this.store = store;
    this.clock = clock;
    this.recent =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
              private static final long serialVersionUID = 1L;

              @Override
              protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > recentIds;
              }
            });
    this.insert =
        store.settings().isPostgres()
            ? "INSERT INTO "
                + TABLE
                + " (provider, provider_message_id, message_id, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (provider, provider_message_id) DO UPDATE"
                + " SET message_id = EXCLUDED.message_id, created_at = EXCLUDED.created_at"
            : "MERGE INTO "
                + TABLE
                + " (provider, provider_message_id, message_id, created_at)"
                + " KEY (provider, provider_message_id) VALUES (?, ?, ?, ?)";
  }

  /**
   * The index on {@code store}, its table created if missing (blocking: call at start-up), keeping
   * the last {@code recentIds} ids recorded on this node in memory.
   */
  public static ReceiptIndex create(SqlStore store, Clock clock, int recentIds)
      throws SQLException {
    store.ensure(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (provider VARCHAR(64) NOT NULL, provider_message_id VARCHAR(128) NOT NULL,"
            + " message_id VARCHAR(64) NOT NULL, created_at TIMESTAMP NOT NULL,"
            + " PRIMARY KEY (provider, provider_message_id))");
    return new ReceiptIndex(store, clock, recentIds);
  }

  @Override
  public CompletionStage<Void> record(String provider, List<String> ids, String messageId) {
    ids.forEach(id -> recent.put(key(provider, id), messageId));
    Timestamp now = Timestamp.from(clock.instant());
    return store.run(
        connection -> {
          try (PreparedStatement st = connection.prepareStatement(insert)) {
            for (String id : ids) {
              st.setString(1, provider);
              st.setString(2, id);
              st.setString(3, messageId);
              st.setTimestamp(4, now);
              st.addBatch();
            }
            st.executeBatch();
          }
          return null;
        });
  }

  @Override
  public CompletionStage<Optional<String>> find(String provider, String providerMessageId) {
    String known = recent.get(key(provider, providerMessageId));
    if (known != null) {
      return CompletableFuture.completedFuture(Optional.of(known));
    }
    return store.run(
        connection -> {
          try (PreparedStatement st =
              connection.prepareStatement(
                  "SELECT message_id FROM "
                      + TABLE
                      + " WHERE provider = ? AND provider_message_id = ?")) {
            st.setString(1, provider);
            st.setString(2, providerMessageId);
            try (ResultSet rows = st.executeQuery()) {
              return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  private static String key(String provider, String providerMessageId) {
    return provider + '\u0000' + providerMessageId;
  }
}
