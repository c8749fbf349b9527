package dev.switchboard.engine.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Derives pekko-persistence-jdbc's database block from {@link DatabaseSettings}, so one setting
 * (the URL) picks the driver and Slick profile as well.
 */
public final class JournalConfig {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.switchboard";

  private JournalConfig() {}

  /** {@code config} with the journal database filled in from {@code switchboard.db}. */
  public static Config withJournalDatabase(Config config) {
    DatabaseSettings db = DatabaseSettings.create(config);
    Map<String, Object> settings = new HashMap<>();
    if (db.isPostgres()) {
      // Every journal connection is bounded: connecting, and then each read (a blackholed server
      // must not hang a connection the entities wait on), with TCP keepalive.
      long connect = Math.max(1, db.connectTimeout().toSeconds());
      settings.put(DB + ".db.properties.connectTimeout", connect);
      settings.put(DB + ".db.properties.loginTimeout", connect);
      settings.put(
          DB + ".db.properties.socketTimeout", Math.max(1, db.socketTimeout().toSeconds()));
      settings.put(DB + ".db.properties.tcpKeepAlive", true);
    }
    settings.putAll(
        Map.of(
            DB + ".profile", db.slickProfile(),
            DB + ".db.url", db.url(),
            DB + ".db.user", db.user(),
            DB + ".db.password", db.password(),
            DB + ".db.driver", db.driver(),
            DB + ".db.numThreads", db.poolSize(),
            DB + ".db.maxConnections", db.poolSize(),
            DB + ".db.minConnections", 1,
            DB + ".db.connectionTimeout", db.connectTimeout().toMillis()));
    return ConfigFactory.parseMap(settings).withFallback(config).resolve();
  }
}
