package dev.switchboard.engine.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which site one channel publishes to. It outlives the publisher's restarts (like {@link
 * ConnectionHealth}): consecutive connect failures on the active site move it to the next site in
 * priority order, and a healthy first site brings it back. Written by the publisher, read by health
 * and metrics.
 */
public final class SiteSelector {

  /** A change of active site, for the log and the metrics. */
  public record Switch(Site from, Site to, String reason) {}

  private final List<Site> sites;
  private final int afterAttempts;
  private final Duration after;
  private final Clock clock;
  private int active;
  private int failures;
  private Instant failingSince;
  private long failovers;

  public SiteSelector(List<Site> sites, int afterAttempts, Duration after, Clock clock) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("no broker site");
    }
    this.sites = List.copyOf(sites);
    this.afterAttempts = afterAttempts;
    this.after = after;
    this.clock = clock;
  }

  public static SiteSelector create(BrokerSettings settings, Clock clock) {
    return new SiteSelector(
        settings.sites(), settings.failoverAfterAttempts(), settings.failoverAfter(), clock);
  }

  public synchronized Site active() {
    return sites.get(active);
  }

  public synchronized boolean onFirstSite() {
    return active == 0;
  }

  public synchronized Site first() {
    return sites.get(0);
  }

  public List<Site> sites() {
    return sites;
  }

  public synchronized long failovers() {
    return failovers;
  }

  /** The active site answered. */
  public synchronized void connected() {
    failures = 0;
    failingSince = null;
  }

  /**
   * The active site did not answer (or its connection was lost).
   *
   * @return the fail-over this failure causes, if it is the last straw
   */
  public synchronized Optional<Switch> failed(String cause) {
    Instant now = clock.instant();
    failures++;
    if (failingSince == null) {
      failingSince = now;
    }
    boolean tooMany = failures >= afterAttempts;
    boolean tooLong = !now.isBefore(failingSince.plus(after));
    if (sites.size() < 2 || !(tooMany || tooLong)) {
      return Optional.empty();
    }
    String why = (tooMany ? failures + " failed attempts" : "failing for " + after) + ": " + cause;
    Site from = sites.get(active);
    active = (active + 1) % sites.size();
    failures = 0;
    failingSince = null;
    failovers++;
    return Optional.of(new Switch(from, sites.get(active), why));
  }

  /** Back to the first site, whose health the caller judged good enough. */
  public synchronized Switch failBack() {
    Site from = sites.get(active);
    active = 0;
    failures = 0;
    failingSince = null;
    return new Switch(from, sites.get(0), "the first site is healthy again");
  }
}
