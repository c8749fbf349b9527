package dev.switchboard.engine.webhook;

import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.testing.PostgresSchema;

/** The webhook contract on PostgreSQL, the production database (a schema of its own). */
class WebhookDeliveryPostgresTest extends WebhookDeliveryContract {
  private final PostgresSchema schema = PostgresSchema.create("webhooks");

  @Override
  DatabaseSettings db() {
    return schema.db();
  }

  @Override
  void release() {
    schema.close();
  }
}
