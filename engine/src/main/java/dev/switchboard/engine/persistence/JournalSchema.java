package dev.switchboard.engine.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Creates the journal tables once. The scripts shipped with persistence-jdbc are not idempotent (an
 * index without {@code IF NOT EXISTS}; {@code CREATE INDEX CONCURRENTLY} on PostgreSQL), so they
 * run only when the journal table is missing, statement by statement, outside a transaction.
 */
public final class JournalSchema {
  private JournalSchema() {}

  /**
   * Makes sure the schema exists. Blocking; call before the actor system starts.
   *
   * @return true when it was created now
   */
  public static boolean ensure(DatabaseSettings db) throws SQLException {
    try (Connection connection = connect(db)) {
      // Only a URL that names its schema moves the journal out of public: an existing journal in
      // public must never be shadowed by a new empty one in a schema earlier on the search path.
      String schema =
          db.isPostgres() && db.url().contains("currentSchema=") ? connection.getSchema() : null;
      if (journalExists(connection, schema)) {
        return false;
      }
      connection.setAutoCommit(true);
      for (String statement : statements(db.schemaResource())) {
        if (schema != null) {
          // The script names public; the URL's currentSchema puts the journal in a schema of its
          // own.
          statement = statement.replace("public.", schema + ".");
        }
        try (Statement st = connection.createStatement()) {
          st.execute(statement);
        } catch (SQLException e) {
          // Another node may have created it in the meantime; only a missing journal is fatal.
          if (!journalExists(connection, schema)) {
            throw e;
          }
        }
      }
      return true;
    }
  }

  static Connection connect(DatabaseSettings db) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    if (db.isPostgres()) {
      String seconds = String.valueOf(Math.max(1, db.connectTimeout().toSeconds()));
      props.setProperty("connectTimeout", seconds);
      props.setProperty("loginTimeout", seconds);
      props.setProperty("socketTimeout", seconds);
    }
    return DriverManager.getConnection(db.url(), props);
  }

  // In that schema only when one is named (a journal in another schema is not this one).
  private static boolean journalExists(Connection connection, String schema) throws SQLException {
    try (ResultSet tables =
        connection.getMetaData().getTables(null, schema, "event_journal", null)) {
      return tables.next();
    }
  }

  private static List<String> statements(String resource) {
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + resource + " is not on the class path");
      }
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Arrays.stream(script.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
