package dev.switchboard.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.persistence.JournalConfig;

/**
 * Builds the configuration a node runs on: system properties, then the application's configuration,
 * then Switchboard's Pekko settings ({@code switchboard-pekko.conf}), then every module's {@code
 * reference.conf}; finally the journal database derived from {@code switchboard.db}.
 */
public final class SwitchboardConfig {
  private SwitchboardConfig() {}

  public static Config load(Config application) {
    ConfigFactory.invalidateCaches();
    Config layered =
        ConfigFactory.systemProperties()
            .withFallback(application)
            .withFallback(ConfigFactory.parseResources("switchboard-pekko.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return JournalConfig.withJournalDatabase(layered);
  }
}
