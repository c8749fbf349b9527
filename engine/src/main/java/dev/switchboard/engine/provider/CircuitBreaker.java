package dev.switchboard.engine.provider;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one provider instance whose session is up still deserves traffic, judged by the outcomes
 * of its real attempts: closed (sends go there), open (none do, for {@code open-for}), half-open (a
 * bounded number of trial sends; enough successes close it, one failure opens it again). A failure
 * is a transient one or an attempt without an answer (a timeout); a permanent failure (a bad
 * recipient) is the message's fault and counts for nothing. A lost session is not judged here: the
 * session's own state already routes around it while it reconnects.
 *
 * <p>The channel's route asks for a {@link Permit} before each attempt and hands it back with the
 * attempt's outcome, so each trial slot is returned exactly once (the route's ask always ends, in
 * an answer or its timeout). Thread-safe: every method holds the breaker's lock for a few fields'
 * worth of work.
 */
public final class CircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

  /** Where the breaker is; its ordinal is the metric's value. */
  public enum State {
    CLOSED,
    HALF_OPEN,
    OPEN;

    /** As health and metric tags show it: {@code closed}, {@code half_open}, {@code open}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Leave to send one attempt, given back with its outcome to {@link #record}. */
  public record Permit(long generation) {}

  /** What health shows, read at once. */
  public record Snapshot(
      State state,
      Instant since,
      String reason,
      int consecutiveFailures,
      int recentAttempts,
      int recentFailures) {}

  private enum Verdict {
    SUCCESS,
    FAILURE,
    NEITHER
  }

  private final String provider;
  private final String channel;
  private final CircuitBreakerSettings settings;
  private final Clock clock;
  private final OutcomeWindow window;
  private final long[] transitions = new long[State.values().length];
  private State state = State.CLOSED;
  // Bumped at every switch: an outcome of an attempt let through before it judges nothing now.
  private long generation;
  private Instant since;
  private String reason = "started";
  private int consecutiveFailures;
  private int trialsOut;
  private int trialsSucceeded;

  public CircuitBreaker(
      String provider, String channel, CircuitBreakerSettings settings, Clock clock) {
    this.provider = provider;
    this.channel = channel;
    this.settings = settings;
    this.clock = clock;
    this.window = new OutcomeWindow(settings.window());
    this.since = clock.instant();
  }

  /** Leave to send one attempt here now, or null: open, or every trial slot taken. */
  public synchronized Permit tryAcquire() {
    Instant now = clock.instant();
    advance(now);
    if (state == State.OPEN) {
      return null;
    }
    if (state == State.HALF_OPEN) {
      if (trialsOut >= settings.halfOpenTrials()) {
        return null;
      }
      trialsOut++;
    }
    return new Permit(generation);
  }

  /** Whether {@link #tryAcquire} would give leave now (without taking it). */
  public synchronized boolean admits() {
    advance(clock.instant());
    return state == State.CLOSED
        || (state == State.HALF_OPEN && trialsOut < settings.halfOpenTrials());
  }

  /**
   * The outcome of an attempt {@code permit} let through.
   *
   * @param error set when the attempt has no outcome (no answer in time)
   */
  public synchronized void record(Permit permit, SendOutcome outcome, Throwable error) {
    if (!settings.enabled() || permit.generation() != generation) {
      return;
    }
    Verdict verdict = judge(outcome, error);
    Instant now = clock.instant();
    if (state == State.HALF_OPEN) {
      switch (verdict) {
        case FAILURE -> move(State.OPEN, now, "a trial failed: " + describe(outcome, error));
        case SUCCESS -> {
          if (++trialsSucceeded >= settings.halfOpenTrials()) {
            move(
                State.CLOSED,
                now,
                trialsSucceeded == 1
                    ? "the trial succeeded"
                    : trialsSucceeded + " trials succeeded");
          }
        }
        case NEITHER -> trialsOut = Math.max(0, trialsOut - 1);
      }
      return;
    }
    if (verdict == Verdict.NEITHER) {
      return;
    }
    window.record(now, verdict == Verdict.FAILURE);
    if (verdict == Verdict.SUCCESS) {
      consecutiveFailures = 0;
      return;
    }
    consecutiveFailures++;
    int calls = window.calls(now);
    int failures = window.failures(now);
    if (settings.consecutiveFailures() > 0
        && consecutiveFailures >= settings.consecutiveFailures()) {
      move(
          State.OPEN,
          now,
          consecutiveFailures + " failures in a row, the last " + describe(outcome, error));
    } else if (settings.failureRate() > 0
        && calls >= settings.minimumCalls()
        && failures >= settings.failureRate() * calls) {
      move(
          State.OPEN,
          now,
          failures
              + " of "
              + calls
              + " attempts failed within "
              + settings.window().toSeconds()
              + "s, the last "
              + describe(outcome, error));
    }
  }

  /** False when configured off: it then stays closed whatever happens. */
  public boolean enabled() {
    return settings.enabled();
  }

  public synchronized State state() {
    advance(clock.instant());
    return state;
  }

  public synchronized Snapshot snapshot() {
    Instant now = clock.instant();
    advance(now);
    return new Snapshot(
        state, since, reason, consecutiveFailures, window.calls(now), window.failures(now));
  }

  /** Switches into {@code to} since the node started. */
  public synchronized long transitions(State to) {
    return transitions[to.ordinal()];
  }

  // An open breaker turns half-open by the clock, whoever looks first; the switch is dated when
  // due.
  private void advance(Instant now) {
    if (state == State.OPEN) {
      Instant due = since.plus(settings.openFor());
      if (!now.isBefore(due)) {
        move(
            State.HALF_OPEN, due, "open for " + settings.openFor().toMillis() + "ms, trying again");
      }
    }
  }

  private void move(State to, Instant at, String why) {
    State from = state;
    state = to;
    since = at;
    reason = why;
    generation++;
    transitions[to.ordinal()]++;
    trialsOut = 0;
    trialsSucceeded = 0;
    if (to == State.CLOSED) {
      consecutiveFailures = 0;
      window.clear();
    }
    String line = "provider circuit breaker: provider={} channel={} from={} to={} why={}";
    if (to == State.OPEN) {
      LOG.warn(line, provider, channel, from.wireName(), to.wireName(), why);
    } else {
      LOG.info(line, provider, channel, from.wireName(), to.wireName(), why);
    }
  }

  private static Verdict judge(SendOutcome outcome, Throwable error) {
    if (error != null) {
      return Verdict.FAILURE;
    }
    if (outcome instanceof SendOutcome.Sent) {
      return Verdict.SUCCESS;
    }
    if (outcome instanceof SendOutcome.TransientFailure failure
        && !ProviderRuntime.CONNECTION_LOST.equals(failure.code())) {
      return Verdict.FAILURE;
    }
    // Permanent failures are the message's; throttling, attempts never made and lost sessions
    // are handled where they happen.
    return Verdict.NEITHER;
  }

  private static String describe(SendOutcome outcome, Throwable error) {
    if (error == null) {
      return outcome instanceof SendOutcome.TransientFailure failure
          ? failure.code()
          : String.valueOf(outcome);
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return "no answer (" + cause.getClass().getSimpleName() + ")";
  }
}
