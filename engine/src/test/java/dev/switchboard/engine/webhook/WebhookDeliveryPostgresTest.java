package dev.switchboard.engine.webhook;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.persistence.DatabaseSettings;
import java.util.Map;

/** The webhook contract on PostgreSQL, the production database. */
class WebhookDeliveryPostgresTest extends WebhookDeliveryContract {
  private final DatabaseSettings db =
      DatabaseSettings.create(
          ConfigFactory.parseMap(
                  Map.of(
                      "switchboard.db.url",
                      System.getProperty(
                          "switchboard.test.db-url", "jdbc:postgresql://127.0.0.1:5432/test"),
                      "switchboard.db.user",
                      System.getProperty("switchboard.test.db-user", "postgres")))
              .withFallback(ConfigFactory.load()));

  @Override
  DatabaseSettings db() {
    return db;
  }
}
