package dev.switchboard.engine.provider;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code provider.<name>} component: one provider instance's session as its runtime last saw
 * it, written by the runtime and read by health, metrics and the channel's router from any thread.
 * It outlives the runtime's restarts, so reconnects and the last error are kept. A provider that is
 * down degrades the node but never makes it unready: its jobs wait in the broker.
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
  private State state = State.CONNECTING;
  private Instant since;
  private long opens;
  private String lastError;
  private Instant lastErrorAt;
  private Instant throttledUntil;
  private boolean upSinceLastError = true;
  private volatile int inFlight;
  private volatile int queued;

  public ProviderHealth(String provider, String channel, String peer, Clock clock) {
    this.provider = provider;
    this.channel = channel;
    this.peer = peer;
    this.clock = clock;
    this.since = clock.instant();
  }

  public String provider() {
    return provider;
  }

  public String channel() {
    return channel;
  }

  synchronized void connecting() {
    move(State.CONNECTING);
  }

  synchronized void opened() {
    opens++;
    upSinceLastError = true;
    throttledUntil = null;
    move(State.UP);
  }

  /**
   * Records a failure.
   *
   * @return false when it repeats the last failure with no time up in between (not news)
   */
  synchronized boolean failed(String error) {
    boolean news = upSinceLastError || !error.equals(lastError);
    upSinceLastError = false;
    lastError = error;
    lastErrorAt = clock.instant();
    move(State.DOWN);
    return news;
  }

  synchronized void throttled(String code, Instant until) {
    throttledUntil = until;
    lastError = "throttled by the provider: " + code;
    lastErrorAt = clock.instant();
  }

  void load(int inFlight, int queued) {
    this.inFlight = inFlight;
    this.queued = queued;
  }

  /** Up and not asked to slow down right now: the channel's router may send here. */
  public synchronized boolean available() {
    return state == State.UP
        && (throttledUntil == null || !clock.instant().isBefore(throttledUntil));
  }

  /** Connected, throttled or not: the runtime can hold a send until its pause is over. */
  public synchronized boolean connected() {
    return state == State.UP;
  }

  public synchronized State state() {
    return state;
  }

  public synchronized boolean isThrottled() {
    return throttledUntil != null && clock.instant().isBefore(throttledUntil);
  }

  public synchronized long reconnects() {
    return Math.max(0, opens - 1);
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
    details.put("state", state.name());
    details.put("channel", channel);
    details.put("peer", peer);
    details.put("reconnects", reconnects());
    details.put("lastError", lastError);
    details.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
    details.put("since", since.toString());
    details.put("inFlight", inFlight);
    details.put("queued", queued);
    details.put("throttled", isThrottled());
    return new ComponentReport(state == State.UP, details);
  }

  private void move(State next) {
    if (state != next) {
      state = next;
      since = clock.instant();
    }
  }
}
