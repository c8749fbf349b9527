package dev.switchboard.engine.persistence;

import com.typesafe.config.Config;
import dev.switchboard.engine.Redaction;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code switchboard.db}, read once: an H2 file in the data directory unless a {@code
 * jdbc:postgresql:} URL is given. Its JDBC calls run on a dispatcher of their own ({@code
 * blockingDispatcher}, a config path), so a slow database never starves the broker's I/O.
 */
public record DatabaseSettings(
    Path dataDir,
    String url,
    String user,
    String password,
    int poolSize,
    Duration connectTimeout,
    Duration socketTimeout,
    Duration probeInterval,
    String blockingDispatcher) {

  public static DatabaseSettings create(Config root) {
    Config c = root.getConfig("switchboard.db");
    Path dataDir = Path.of(c.getString("data-dir")).toAbsolutePath().normalize();
    String url = c.getString("url");
    if (url.isBlank()) {
      // Events are a few hundred bytes: kept in the row, not in H2's separate LOB store (default
      // limit 256 bytes), which cost a second map write per event. WRITE_DELAY=0: a commit is in
      // the file before the API answers (H2's default keeps it in memory for 500 ms, which a
      // SIGKILL loses). AUTO_COMPACT_FILL_RATE=0: no chunk moves in the background, which a kill
      // in the middle of leaves the file unreadable ("Double mark"). DB_CLOSE_ON_EXIT=FALSE: on
      // SIGTERM H2's own hook closed the database under the coordinated shutdown, so the outcomes
      // of the attempts it let finish could not be written (and were sent again after a restart);
      // the pools close it last.
      url =
          "jdbc:h2:file:"
              + dataDir.resolve("journal")
              + ";MAX_LENGTH_INPLACE_LOB=4096;WRITE_DELAY=0;AUTO_COMPACT_FILL_RATE=0"
              + ";DB_CLOSE_ON_EXIT=FALSE";
    }
    return new DatabaseSettings(
        dataDir,
        url,
        c.getString("user"),
        c.getString("password"),
        c.getInt("pool-size"),
        c.getDuration("connect-timeout"),
        c.getDuration("socket-timeout"),
        c.getDuration("probe-interval"),
        "switchboard.db.blocking-dispatcher");
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  public String driver() {
    return isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver";
  }

  public String slickProfile() {
    return isPostgres() ? "slick.jdbc.PostgresProfile$" : "slick.jdbc.H2Profile$";
  }

  /** The schema script shipped in the persistence-jdbc jar for this database. */
  public String schemaResource() {
    return isPostgres()
        ? "schema/postgres/postgres-create-schema.sql"
        : "schema/h2/h2-create-schema.sql";
  }

  /** The URL without credentials or parameters, for logs and health. */
  public String displayUrl() {
    int params = url.indexOf(isPostgres() ? '?' : ';');
    return Redaction.uri(params < 0 ? url : url.substring(0, params));
  }
}
