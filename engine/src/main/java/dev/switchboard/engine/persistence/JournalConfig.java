package dev.switchboard.engine.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
    Config overlay =
        ConfigFactory.parseMap(
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
    return overlay.withFallback(config).resolve();
  }
}
