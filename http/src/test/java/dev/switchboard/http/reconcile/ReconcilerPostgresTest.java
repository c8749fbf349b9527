package dev.switchboard.http.reconcile;

import dev.switchboard.http.testing.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reconciler on PostgreSQL, each test's journal in a schema of its own (dropped afterwards):
 * the shared test database's journal holds other runs' messages, which a reconciler would move on.
 */
class ReconcilerPostgresTest extends ReconcilerContract {
  private final Map<String, String> schemas = new HashMap<>();
  private final List<String> created = new ArrayList<>();

  @Override
  TestNode start(String amqpUri, String journal, Map<String, Object> settings) {
    String schema =
        schemas.computeIfAbsent(
            journal,
            name -> {
              String s =
                  "reconciler_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
              execute("CREATE SCHEMA " + s);
              created.add(s);
              return s;
            });
    Map<String, Object> all = new HashMap<>(settings);
    String url = TestNode.POSTGRES_URL;
    all.put(
        "switchboard.db.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    return TestNode.start(amqpUri, all);
  }

  @Override
  void release() {
    created.forEach(s -> execute("DROP SCHEMA IF EXISTS " + s + " CASCADE"));
  }

  private static void execute(String sql) {
    try (Connection connection =
            DriverManager.getConnection(TestNode.POSTGRES_URL, TestNode.POSTGRES_USER, "");
        Statement st = connection.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }
}
