package dev.switchboard.bench.drive;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL database of the run's own for the engine's journal, created on the server the {@code
 * adminUrl} names and dropped afterwards: an empty journal every run, as with H2.
 */
public final class PostgresDatabase implements AutoCloseable {
  private final String adminUrl;
  private final String user;
  private final String name;

  private PostgresDatabase(String adminUrl, String user, String name) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.name = name;
  }

  public static PostgresDatabase create(String adminUrl, String user) throws SQLException {
    String name = "switchboard_bench_" + UUID.randomUUID().toString().substring(0, 8);
    execute(adminUrl, user, "CREATE DATABASE " + name);
    return new PostgresDatabase(adminUrl, user, name);
  }

  /** The JDBC URL of the new database: the admin URL with its database replaced. */
  public String url() {
    int slash = adminUrl.lastIndexOf('/');
    int params = adminUrl.indexOf('?', slash);
    return adminUrl.substring(0, slash + 1) + name + (params < 0 ? "" : adminUrl.substring(params));
  }

  public String user() {
    return user;
  }

  @Override
  public void close() throws SQLException {
    execute(adminUrl, user, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String url, String user, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, user, "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
