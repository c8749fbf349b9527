package dev.switchboard.engine.broker;

import dev.switchboard.engine.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live state of one broker connection, written by the actor that owns it and read by health and
 * metrics from any thread. It outlives the actor's restarts, so reconnects and the last error are
 * kept across them.
 */
public final class ConnectionHealth {
  /** Where the connection is in its life, from best to worst. */
  public enum State {
    UP,
    BLOCKED,
    CONNECTING,
    DOWN
  }

  private final Clock clock;
  private State state = State.CONNECTING;
  private String site;
  private String node;
  private long connects;
  private String lastError;
  private Instant lastErrorAt;
  private Instant since;
  private boolean closed;
  // A failure after a time up is news even when it repeats the previous one.
  private boolean upSinceLastError = true;

  public ConnectionHealth(Clock clock) {
    this.clock = clock;
    this.since = clock.instant();
  }

  public synchronized void connecting() {
    move(State.CONNECTING);
  }

  public synchronized void connected(String site, String node) {
    this.site = site;
    this.node = node;
    connects++;
    upSinceLastError = true;
    move(State.UP);
  }

  /**
   * Records a failure.
   *
   * @return false when it repeats the last failure with no time up in between (not news: log it
   *     quietly)
   */
  public synchronized boolean failed(String error) {
    String shown = Redaction.text(error);
    boolean news = upSinceLastError || !shown.equals(lastError);
    upSinceLastError = false;
    lastError = shown;
    lastErrorAt = clock.instant();
    move(State.DOWN);
    return news;
  }

  public synchronized void blocked(String reason) {
    lastError = Redaction.text("blocked by the broker: " + reason);
    lastErrorAt = clock.instant();
    move(State.BLOCKED);
  }

  public synchronized void unblocked() {
    if (state == State.BLOCKED) {
      move(State.UP);
    }
  }

  /** Shut down on purpose: reported down, and never reconnected by anyone. */
  public synchronized void closed() {
    closed = true;
    move(State.DOWN);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Up, and for at least {@code window} without a break. */
  public synchronized boolean upFor(Duration window) {
    return state == State.UP && !clock.instant().isBefore(since.plus(window));
  }

  public synchronized State state() {
    return state;
  }

  public synchronized long reconnects() {
    return Math.max(0, connects - 1);
  }

  public synchronized String lastError() {
    return lastError;
  }

  public synchronized Instant lastErrorAt() {
    return lastErrorAt;
  }

  /** The fields of API.md's broker component. */
  public synchronized Map<String, Object> details() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("state", state.name());
    map.put("site", site);
    map.put("node", node);
    map.put("reconnects", reconnects());
    map.put("lastError", lastError);
    map.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
    map.put("since", since.toString());
    return map;
  }

  private void move(State next) {
    if (state != next) {
      state = next;
      since = clock.instant();
    }
  }
}
