package dev.switchboard.bench;

import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.EngineProcess;
import java.time.Duration;

/**
 * Keeps count of what the engine has been given (the backlog and every message the API accepted)
 * and waits, between phases, until all of it has settled (delivered or failed), so phases do not
 * overlap. Gives up, and says so, when nothing settles for a while (a stuck message) or after a
 * bound: a benchmark of a struggling engine still ends.
 */
final class Settling {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Duration STALL = Duration.ofSeconds(20);

  private final EngineProcess engine;
  private final EngineClient client;
  private final Report report;
  private long expected;

  Settling(EngineProcess engine, EngineClient client, Report report) {
    this.engine = engine;
    this.client = client;
    this.report = report;
  }

  void given(long messages) {
    expected += messages;
  }

  /** What never settles must not hold up every later phase: count only what did. */
  void settledAt(Snapshot now) {
    expected = Math.min(expected, (long) now.settled());
  }

  void await(String phase) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Snapshot now = Snapshot.take(engine, client, null);
    Progress progress = progress(now);
    while (now.settled() < expected && System.nanoTime() < deadline && !progress.stalled(now)) {
      Thread.sleep(250);
      now = Snapshot.take(engine, client, null);
    }
    if (now.settled() < expected) {
      report.add(
          phase,
          "NOT SETTLED",
          String.format("%,.0f of %,d", now.settled(), expected),
          progress.why(now) + "; the next phase starts with these pending");
      settledAt(now);
    }
  }

  Progress progress(Snapshot start) {
    return new Progress(start, engine);
  }

  /** Tells a stall (nothing settled for {@link #STALL}, or the engine gone) from slow progress. */
  static final class Progress {
    private final EngineProcess engine;
    private Snapshot last;

    Progress(Snapshot start, EngineProcess engine) {
      this.last = start;
      this.engine = engine;
    }

    boolean stalled(Snapshot now) {
      if (now.settled() > last.settled()) {
        last = now;
      }
      return !engine.alive() || now.nanos() - last.nanos() > STALL.toNanos();
    }

    /** The last snapshot that showed progress. */
    Snapshot last() {
      return last;
    }

    String why(Snapshot now) {
      if (!engine.alive()) {
        return "the engine exited";
      }
      return now.nanos() - last.nanos() > STALL.toNanos()
          ? "nothing settled for " + STALL.toSeconds() + " s"
          : "timed out";
    }
  }
}
