package dev.switchboard.engine.testing;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A schema of its own on the shared PostgreSQL test database, dropped on close: what other test
 * runs on that database do with their tables (dispatchers claiming any due event, opt-outs of the
 * same account) never meets its rows.
 */
public final class PostgresSchema implements AutoCloseable {
  private final String url =
      System.getProperty("switchboard.test.db-url", "jdbc:postgresql://127.0.0.1:5432/test");
  private final String user = System.getProperty("switchboard.test.db-user", "postgres");
  private final String name;
  private final String schemaUrl;
  private final DatabaseSettings db;

  private PostgresSchema(String prefix) {
    this.name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE SCHEMA " + name);
    this.schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    this.db =
        DatabaseSettings.create(
            ConfigFactory.parseMap(
                    Map.of("switchboard.db.url", schemaUrl, "switchboard.db.user", user))
                .withFallback(ConfigFactory.load()));
  }

  public static PostgresSchema create(String prefix) {
    return new PostgresSchema(prefix);
  }

  /** The JDBC URL of the schema (for a node's {@code switchboard.db.url}). */
  public String url() {
    return schemaUrl;
  }

  public DatabaseSettings db() {
    return db;
  }

  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(url, user, "");
        Statement st = connection.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }
}
