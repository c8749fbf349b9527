package dev.switchboard.engine.optout;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.ChannelProvider;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.SendOutcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every account's opt-outs: kept in the journal's database, and copied whole into memory on each
 * node, so checking a send costs no query. The copy is loaded at start-up; what this node records
 * is in it at once; what other nodes record reaches it within {@link
 * OptOutSettings#refreshInterval()}, read as the rows changed since the newest one seen (minus
 * {@link OptOutSettings#refreshOverlap()}). A copy is used rather than a cache with expiry because
 * a cache misses on every new recipient, and most sends go to recipients never seen before.
 */
public final class OptOuts {
  private static final Logger LOG = LoggerFactory.getLogger(OptOuts.class);

  // updatedAt orders a node's own writes against rows read by a refresh that began before them.
  private record Entry(boolean optedOut, long updatedAt) {}

  private final OptOutStore store;
  private final OptOutSettings settings;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ConcurrentHashMap<OptOutStore.Key, Entry> known = new ConcurrentHashMap<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile long newestSeen;
  private volatile Instant refreshedAt;
  private volatile boolean failing;

  private OptOuts(OptOutStore store, OptOutSettings settings, MeterRegistry meters, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * The opt-outs on {@code sql}: the table created if missing and read whole into memory (blocking:
   * at start-up). Call {@link #refresh()} every {@link OptOutSettings#refreshInterval()}.
   */
  public static OptOuts start(
      SqlStore sql, OptOutSettings settings, MeterRegistry meters, Clock clock)
      throws SQLException {
    OptOuts optOuts = new OptOuts(OptOutStore.create(sql), settings, meters, clock);
    optOuts.newestSeen = Math.max(0, optOuts.store.loadAll(optOuts::apply));
    optOuts.refreshedAt = clock.instant();
    Gauge.builder("switchboard.optouts.known", optOuts, OptOuts::optedOutCount)
        .description("opted-out recipients in this node's copy")
        .register(meters);
    Gauge.builder("switchboard.optouts.refresh.age", optOuts, OptOuts::refreshAgeSeconds)
        .description("time since this node last read the opt-outs other nodes wrote")
        .baseUnit("seconds")
        .register(meters);
    return optOuts;
  }

  /** True when {@code recipient} opted out of {@code account}'s messages on {@code channel}. */
  public boolean isOptedOut(String account, String channel, String recipient) {
    Entry entry = known.get(new OptOutStore.Key(account, channel, recipient));
    return entry != null && entry.optedOut();
  }

  /** {@code provider} behind a guard that fails sends to opted-out recipients at once. */
  public ChannelProvider guard(ChannelProvider provider) {
    return new OptOutGuard(provider, this);
  }

  /**
   * Records what an inbound message asks for, if it is an opt-out or opt-in keyword; the stage
   * completes once that is durable (its broker message may then be acked).
   */
  public CompletionStage<Void> heard(InboundMessage message) {
    Optional<String> keyword = OptOutKeywords.keyword(message.text());
    if (keyword.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (OptOutKeywords.OPT_IN.contains(keyword.get())) {
      return optIn(message.account(), message.channel(), message.from()).thenApply(in -> null);
    }
    Instant at = message.receivedAt() != null ? message.receivedAt() : clock.instant();
    return optOut(
        new OptOut(
            message.account(),
            message.channel(),
            message.from(),
            OptOut.KEYWORD,
            message.provider(),
            keyword.get(),
            at));
  }

  /** Records {@code optOut}; this node refuses sends to the recipient once the stage completes. */
  public CompletionStage<Void> optOut(OptOut optOut) {
    long now = clock.millis();
    OptOutStore.Key key =
        new OptOutStore.Key(optOut.account(), optOut.channel(), optOut.recipient());
    return store
        .optOut(optOut, now, () -> apply(new OptOutStore.Change(key, true, now)))
        .thenRun(
            () -> {
              meters
                  .counter(
                      "switchboard.optouts.recorded",
                      "channel",
                      optOut.channel(),
                      "source",
                      optOut.source())
                  .increment();
              LOG.info(
                  "recipient opted out: account={} channel={} recipient={} source={} provider={}"
                      + " detail={}",
                  optOut.account(),
                  optOut.channel(),
                  optOut.recipient(),
                  optOut.source(),
                  optOut.provider(),
                  optOut.detail());
            });
  }

  /**
   * A provider refused {@code message} because its recipient opted out there: recorded here too.
   */
  CompletionStage<Void> reported(OutboundMessage message, SendOutcome.PermanentFailure failure) {
    return optOut(
        new OptOut(
            message.account(),
            message.channel(),
            message.to(),
            OptOut.PROVIDER,
            failure.provider(),
            failure.reason(),
            clock.instant()));
  }

  /** A send refused by the guard. */
  void blocked(String channel) {
    meters.counter("switchboard.optouts.blocked", "channel", channel).increment();
  }

  /** Opts the recipient back in; true when they were opted out. */
  public CompletionStage<Boolean> optIn(String account, String channel, String recipient) {
    long now = clock.millis();
    OptOutStore.Key key = new OptOutStore.Key(account, channel, recipient);
    return store
        .optIn(key, now, () -> apply(new OptOutStore.Change(key, false, now)))
        .thenApply(
            removed -> {
              if (removed) {
                meters.counter("switchboard.optouts.removed", "channel", channel).increment();
                LOG.info(
                    "recipient opted back in: account={} channel={} recipient={}",
                    account,
                    channel,
                    recipient);
              }
              return removed;
            });
  }

  /** A page of {@code account}'s opt-outs (of {@code channel} if given), newest first. */
  public CompletionStage<OptOutPage> list(
      String account, Optional<String> channel, int limit, Optional<OptOutPage.Cursor> cursor) {
    return store.page(account, channel, limit, cursor);
  }

  /**
   * Reads what changed since the newest change seen (other nodes' writes, and this node's) into the
   * copy. A refresh still running makes this one a no-op; a failure is retried next time from the
   * same place.
   */
  public CompletionStage<Void> refresh() {
    if (!refreshing.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    long after = newestSeen - settings.refreshOverlap().toMillis();
    return store
        .changesAfter(after, this::apply)
        .handle(
            (newest, error) -> {
              refreshing.set(false);
              if (error != null) {
                meters.counter("switchboard.optouts.refresh.failures").increment();
                if (!failing) {
                  failing = true;
                  LOG.warn(
                      "opt-outs not refreshed, other nodes' changes wait: cause={}",
                      String.valueOf(error.getCause() != null ? error.getCause() : error));
                }
                return null;
              }
              newestSeen = Math.max(newestSeen, newest);
              refreshedAt = clock.instant();
              if (failing) {
                failing = false;
                LOG.info("opt-outs refreshed again");
              }
              return null;
            });
  }

  void apply(OptOutStore.Change change) {
    known.merge(
        change.key(),
        new Entry(change.optedOut(), change.updatedAt()),
        (old, fresh) -> fresh.updatedAt() >= old.updatedAt() ? fresh : old);
  }

  private double optedOutCount() {
    return known.values().stream().filter(Entry::optedOut).count();
  }

  private double refreshAgeSeconds() {
    return Duration.between(refreshedAt, clock.instant()).toMillis() / 1000.0;
  }
}
