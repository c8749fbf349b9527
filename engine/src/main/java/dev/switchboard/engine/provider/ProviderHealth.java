package dev.switchboard.engine.provider;

import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.broker.ConnectionHealth;
import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code provider.<name>} component: one provider instance's session as its runtime last saw
 * it, written by the runtime and read by health, metrics and the channel's router from any thread.
 * It outlives the runtime's restarts, so reconnects and the last error are kept. It also carries
 * the instance's {@link CircuitBreaker}. A provider that is down, or whose breaker is open,
 * degrades the node but never makes it unready: its jobs go to another instance or wait in the
 * broker.
 */
public final class ProviderHealth implements HealthComponent {
  /** Where the session is in its life. */
  public enum State {
    UP,
    CONNECTING,
    DOWN
  }

  private final String provider;
  private final String channel;
  private final String peer;
  private final Clock clock;
  private final CircuitBreaker breaker;
  // The bookkeeping a broker connection keeps (state, reopenings, last error, news or repeat).
  private final ConnectionHealth session;
  private Instant throttledUntil;
  private String throttledBy;
  private volatile int inFlight;
  private volatile int queued;

  public ProviderHealth(
      String provider, String channel, String peer, Clock clock, CircuitBreakerSettings breaker) {
    this.provider = provider;
    this.channel = channel;
    this.peer = peer;
    this.clock = clock;
    this.session = new ConnectionHealth(clock);
    this.breaker = new CircuitBreaker(provider, channel, breaker, clock);
  }

  public String provider() {
    return provider;
  }

  public String channel() {
    return channel;
  }

  /** Whether the instance's recent attempts still earn it traffic. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  void connecting() {
    session.connecting();
  }

  synchronized void opened() {
    throttledUntil = null;
    session.connected(null, peer);
  }

  /**
   * Records a failure.
   *
   * @return false when it repeats the last failure with no time up in between (not news)
   */
  boolean failed(String error) {
    return session.failed(Redaction.text(error));
  }

  /** Closed on purpose at shutdown: reported down, never reopened. */
  void closed() {
    session.closed();
  }

  synchronized void throttled(String code, Instant until) {
    throttledUntil = until;
    throttledBy = code;
  }

  void load(int inFlight, int queued) {
    this.inFlight = inFlight;
    this.queued = queued;
  }

  /** Up and not asked to slow down right now: the channel's router may send here. */
  public synchronized boolean available() {
    return connected() && !isThrottled();
  }

  /** Connected, throttled or not: the runtime can hold a send until its pause is over. */
  public boolean connected() {
    return session.state() == ConnectionHealth.State.UP;
  }

  public State state() {
    return switch (session.state()) {
      case UP, BLOCKED -> State.UP;
      case CONNECTING -> State.CONNECTING;
      case DOWN -> State.DOWN;
    };
  }

  public synchronized boolean isThrottled() {
    return throttledUntil != null && clock.instant().isBefore(throttledUntil);
  }

  public long reconnects() {
    return session.reconnects();
  }

  public int inFlight() {
    return inFlight;
  }

  public int queued() {
    return queued;
  }

  @Override
  public String name() {
    return "provider." + provider;
  }

  @Override
  public boolean requiredForReadiness() {
    return false;
  }

  @Override
  public synchronized ComponentReport report() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state().name());
    details.put("channel", channel);
    details.put("peer", peer);
    details.put("reconnects", reconnects());
    details.put("lastError", session.lastError());
    details.put(
        "lastErrorAt", session.lastErrorAt() == null ? null : session.lastErrorAt().toString());
    details.put("since", session.details().get("since"));
    details.put("inFlight", inFlight);
    details.put("queued", queued);
    details.put("throttled", isThrottled());
    details.put("throttledBy", isThrottled() ? throttledBy : null);
    details.put("throttledUntil", isThrottled() ? throttledUntil.toString() : null);
    CircuitBreaker.Snapshot b = breaker.snapshot();
    details.put("breaker", breaker.enabled() ? b.state().wireName() : "off");
    details.put("breakerSince", b.since().toString());
    details.put("breakerReason", b.reason());
    details.put("consecutiveFailures", b.consecutiveFailures());
    details.put("recentAttempts", b.recentAttempts());
    details.put("recentFailures", b.recentFailures());
    return new ComponentReport(connected() && b.state() != CircuitBreaker.State.OPEN, details);
  }
}
