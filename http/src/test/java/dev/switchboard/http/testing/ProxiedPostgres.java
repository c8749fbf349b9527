package dev.switchboard.http.testing;

import dev.switchboard.engine.testing.TcpProxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A database of its own on the shared PostgreSQL, reached through a {@link TcpProxy} so a test can
 * blackhole or reset the journal's connections; dropped on close.
 */
public final class ProxiedPostgres implements AutoCloseable {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  private final String database;
  private final TcpProxy proxy;

  private ProxiedPostgres(String database, TcpProxy proxy) {
    this.database = database;
    this.proxy = proxy;
  }

  /**
   * A new database named {@code prefix} and a random suffix, and a proxy in front of the server.
   */
  public static ProxiedPostgres create(String prefix) throws Exception {
    String database = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    return new ProxiedPostgres(database, TcpProxy.start("127.0.0.1", 5432));
  }

  public TcpProxy proxy() {
    return proxy;
  }

  /** A node's journal settings for this database through the proxy, with the bounds given. */
  public Map<String, Object> journal(String connectTimeout, String socketTimeout) {
    return Map.of(
        "switchboard.db.url",
        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database,
        "switchboard.db.user",
        TestNode.POSTGRES_USER,
        "switchboard.db.connect-timeout",
        connectTimeout,
        "switchboard.db.socket-timeout",
        socketTimeout);
  }

  @Override
  public void close() throws Exception {
    proxy.close();
    admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  private static void admin(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(SERVER + "test", TestNode.POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
