package dev.switchboard.engine.persistence;

import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code journal} component: the journal's database, checked with a round trip every probe
 * interval (on a blocking executor, bounded by the connect timeout) and reported from the last
 * result, so readiness never waits on the database.
 */
public final class JournalProbe implements HealthComponent {
  private static final Logger LOG = LoggerFactory.getLogger(JournalProbe.class);

  /** Where the probe takes its connection from. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws java.sql.SQLException;
  }

  private final DatabaseSettings db;
  private final Connections connections;
  private final Executor blocking;
  private final Clock clock;
  private volatile Result last;

  private record Result(boolean up, String error, Instant at, Instant since) {}

  /** A probe of a connection of its own to {@code db}. */
  public JournalProbe(DatabaseSettings db, Executor blocking, Clock clock) {
    this(db, () -> JournalSchema.connect(db), blocking, clock);
  }

  /**
   * A probe of the connections {@code connections} gives: the journal's own pool, so what readiness
   * reports is what the message entities get.
   */
  public JournalProbe(
      DatabaseSettings db, Connections connections, Executor blocking, Clock clock) {
    this.db = db;
    this.connections = connections;
    this.blocking = blocking;
    this.clock = clock;
    this.last = new Result(false, "not checked yet", null, clock.instant());
  }

  @Override
  public String name() {
    return "journal";
  }

  /** Whether the last check found the journal's database answering. */
  public boolean up() {
    return last.up();
  }

  /** Runs one check; the scheduler calls it every probe interval. */
  public CompletableFuture<Void> probe() {
    return CompletableFuture.runAsync(this::roundTrip, blocking)
        .orTimeout(db.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle(
            (ok, error) -> {
              record(error == null ? null : describe(error, db.password()));
              return null;
            });
  }

  private void roundTrip() {
    try (Connection connection = connections.open()) {
      if (!connection.isValid((int) Math.max(1, db.connectTimeout().toSeconds()))) {
        throw new IllegalStateException("connection not valid");
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private synchronized void record(String error) {
    Result previous = last;
    boolean up = error == null;
    Instant now = clock.instant();
    Instant since = previous.up() == up && previous.at() != null ? previous.since() : now;
    last = new Result(up, error, now, since);
    if (previous.up() != up || previous.at() == null) {
      if (up) {
        LOG.info("journal reachable: url={}", db.displayUrl());
      } else {
        LOG.error("journal unreachable: url={} cause={}", db.displayUrl(), error);
      }
    }
  }

  // A driver's message may quote the URL or, rarely, the password: neither reaches health or logs.
  private static String describe(Throwable error, String password) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return Redaction.text(
        cause.getClass().getSimpleName() + ": " + cause.getMessage(), List.of(password));
  }

  @Override
  public ComponentReport report() {
    Result r = last;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", db.displayUrl());
    details.put("lastError", r.up() ? null : r.error());
    details.put("checkedAt", r.at() == null ? null : r.at().toString());
    details.put("since", r.since().toString());
    return new ComponentReport(r.up(), details);
  }
}
