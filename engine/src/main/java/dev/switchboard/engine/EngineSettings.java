package dev.switchboard.engine;

import com.typesafe.config.Config;
import dev.switchboard.engine.broker.BrokerSettings;
import dev.switchboard.engine.delivery.DeliverySettings;
import dev.switchboard.engine.optout.OptOutSettings;
import dev.switchboard.engine.outbox.OutboxSettings;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.provider.ProviderSettings;
import dev.switchboard.engine.reconcile.ReconcilerSettings;
import dev.switchboard.engine.webhook.WebhookSettings;
import java.util.List;

/** Every engine setting, read once from {@code switchboard.*}. */
public record EngineSettings(
    List<ChannelSettings> channels,
    BrokerSettings broker,
    DeliverySettings delivery,
    OutboxSettings outbox,
    DatabaseSettings db,
    ProviderSettings providers,
    WebhookSettings webhooks,
    ReconcilerSettings reconciler,
    OptOutSettings optOuts) {

  public static EngineSettings create(Config root) {
    return new EngineSettings(
        ChannelSettings.all(
            root.getConfig("switchboard.engine.channels"),
            root.getConfig("switchboard.engine.environment-providers")),
        BrokerSettings.create(root),
        DeliverySettings.create(root),
        OutboxSettings.create(root),
        DatabaseSettings.create(root),
        ProviderSettings.create(root),
        WebhookSettings.create(root),
        ReconcilerSettings.create(root),
        OptOutSettings.create(root));
  }
}
