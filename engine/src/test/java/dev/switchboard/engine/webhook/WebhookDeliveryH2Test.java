package dev.switchboard.engine.webhook;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** The webhook contract on the embedded default, H2 in the data directory. */
class WebhookDeliveryH2Test extends WebhookDeliveryContract {
  private final DatabaseSettings db;

  WebhookDeliveryH2Test() {
    try {
      db =
          DatabaseSettings.create(
              ConfigFactory.parseMap(
                      Map.of(
                          "switchboard.db.data-dir",
                          Files.createTempDirectory("webhooks-h2").toString()))
                  .withFallback(ConfigFactory.load()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  DatabaseSettings db() {
    return db;
  }
}
