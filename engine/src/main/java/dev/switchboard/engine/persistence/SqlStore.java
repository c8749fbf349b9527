package dev.switchboard.engine.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Switchboard's own tables (the receipt index, webhook deliveries) in the journal's database,
 * through a small pool of their own: every call runs on the blocking executor given, never on the
 * caller's thread, and every connection has connect and socket timeouts.
 */
public final class SqlStore implements AutoCloseable {

  /** One unit of work on a connection (auto-commit unless it says otherwise). */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DatabaseSettings db;
  private final HikariDataSource pool;
  private final Executor blocking;

  private SqlStore(DatabaseSettings db, HikariDataSource pool, Executor blocking) {
    this.db = db;
    this.pool = pool;
    this.blocking = blocking;
  }

  /** A pool of {@code size} connections; opens none until first used. */
  public static SqlStore open(DatabaseSettings db, int size, Executor blocking) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("switchboard-sql");
    config.setJdbcUrl(db.url());
    config.setDriverClassName(db.driver());
    if (!db.user().isEmpty()) {
      config.setUsername(db.user());
      config.setPassword(db.password());
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(Math.max(250, db.connectTimeout().toMillis()));
    config.setValidationTimeout(Math.max(250, db.connectTimeout().toMillis()));
    // Start without the database: connections are made on first use, failures are answers.
    config.setInitializationFailTimeout(-1);
    if (db.isPostgres()) {
      String seconds = String.valueOf(Math.max(1, db.connectTimeout().toSeconds()));
      config.addDataSourceProperty("connectTimeout", seconds);
      config.addDataSourceProperty("loginTimeout", seconds);
      config.addDataSourceProperty(
          "socketTimeout", String.valueOf(Math.max(1, db.socketTimeout().toSeconds())));
      config.addDataSourceProperty("tcpKeepAlive", "true");
    }
    return new SqlStore(db, new HikariDataSource(config), blocking);
  }

  public DatabaseSettings settings() {
    return db;
  }

  /** Runs {@code work} on the blocking executor with a pooled connection. */
  public <T> CompletableFuture<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection connection = pool.getConnection()) {
            return work.run(connection);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        blocking);
  }

  /** Runs {@code work} on the caller's thread with a pooled connection; blocking, for start-up. */
  public <T> T call(Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    }
  }

  /**
   * Runs DDL that must be idempotent ({@code CREATE TABLE IF NOT EXISTS ...}); blocking, for
   * start-up only.
   */
  public void ensure(String... statements) throws SQLException {
    try (Connection connection = pool.getConnection();
        Statement st = connection.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
