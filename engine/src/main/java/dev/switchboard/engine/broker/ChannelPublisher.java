package dev.switchboard.engine.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one channel's publishing connection: publishes with pipelined publisher confirms and answers
 * each {@link Publish} with a {@link PublishResult} only once the broker confirmed it, nacked it,
 * or the confirm timed out. A lost connection fails every pending confirm at once and the actor
 * fails, so its supervisor restarts it (with backoff) on a new connection.
 */
public final class ChannelPublisher extends AbstractBehavior<ChannelPublisher.Command> {

  /** What the publisher accepts. */
  public sealed interface Command {}

  /**
   * Publish one persistent message to this channel's queue of {@code flow}; the reply comes with
   * the confirm.
   */
  public record Publish(
      Topology.Flow flow, String messageId, byte[] body, ActorRef<PublishResult> replyTo)
      implements Command {
    /** An outbound job. */
    public Publish(String messageId, byte[] body, ActorRef<PublishResult> replyTo) {
      this(Topology.Flow.OUTBOUND, messageId, body, replyTo);
    }
  }

  private record Connected(BrokerLink.Ready ready, Object incarnation) implements Command {}

  private record ConnectFailed(Object incarnation, Throwable cause) implements Command {}

  /** The broker could not route a mandatory publish: its confirm follows, but it is in no queue. */
  private record Returned(Object incarnation, String messageId) implements Command {}

  private record ConfirmReceived(Object incarnation, long seq, boolean multiple, boolean ack)
      implements Command {}

  private record ConnectionLost(Object incarnation, String cause) implements Command {}

  private record BlockedChanged(Object incarnation, String reason) implements Command {}

  private enum CheckConfirmDeadlines implements Command {
    INSTANCE
  }

  private enum CheckFailBack implements Command {
    INSTANCE
  }

  private record Pending(
      Topology.Flow flow,
      String messageId,
      ActorRef<PublishResult> replyTo,
      long publishedNanos,
      long deadlineNanos) {}

  /** Where and how the publisher connects; outlives its restarts. */
  public record Setup(
      Topology topology,
      BrokerSettings settings,
      BrokerConnector connector,
      ConnectionHealth health,
      SiteSelector sites,
      ConnectionHealth firstSiteConsumer,
      PublisherMetrics metrics) {}

  private final Topology topology;
  private final BrokerSettings settings;
  private final ConnectionHealth health;
  private final SiteSelector sites;
  private final ConnectionHealth firstSiteConsumer;
  private final PublisherMetrics metrics;
  private final BrokerLink link;
  private final NavigableMap<Long, Pending> pending = new TreeMap<>();
  // Ids of publishes the broker returned as unroutable, until their confirm comes.
  private final Set<String> unroutable = new HashSet<>();
  // Unconfirmed publishes per flow: receipts piling up never crowd out the API's sends.
  private final int[] unconfirmed = new int[Topology.Flow.values().length];
  // Identifies the current connection: messages about an earlier one are stale.
  private Object incarnation = new Object();
  private String blockedReason;
  // Failing back: no new publishes; reconnect to the first site once the pending ones settled.
  private boolean switching;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new ChannelPublisher(ctx, timers, setup)));
  }

  private ChannelPublisher(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
    super(ctx);
    this.topology = setup.topology();
    this.settings = setup.settings();
    this.health = setup.health();
    this.sites = setup.sites();
    this.firstSiteConsumer = setup.firstSiteConsumer();
    this.metrics = setup.metrics();
    this.link =
        new BrokerLink(
            topology.channel(),
            "publisher",
            settings,
            setup.connector(),
            health,
            BlockingDispatcher.executor(ctx.getSystem(), settings),
            ctx.getLog());
    timers.startTimerWithFixedDelay(
        CheckConfirmDeadlines.INSTANCE, settings.confirmTimeout().dividedBy(5));
    timers.startTimerWithFixedDelay(CheckFailBack.INSTANCE, settings.failbackCheckInterval());
    connect();
  }

  private void connect() {
    ActorRef<Command> self = getContext().getSelf();
    Object inc = incarnation;
    getContext()
        .pipeToSelf(
            link.open(
                sites.active(),
                connection -> prepare(connection, self, inc),
                cause -> self.tell(new ConnectionLost(inc, cause))),
            (ready, error) ->
                error == null ? new Connected(ready, inc) : new ConnectFailed(inc, error));
  }

  // Runs on the blocking executor: the listeners only tell the actor (and health).
  private Channel prepare(Connection connection, ActorRef<Command> self, Object inc)
      throws IOException {
    Channel ch = connection.createChannel();
    topology.declare(ch);
    ch.confirmSelect();
    // Mandatory publishes: a message no queue takes comes back before its confirm, which then
    // must not count as durable.
    ch.addReturnListener(
        returned -> self.tell(new Returned(inc, returned.getProperties().getMessageId())));
    ch.addConfirmListener(
        new ConfirmListener() {
          @Override
          public void handleAck(long seq, boolean multiple) {
            self.tell(new ConfirmReceived(inc, seq, multiple, true));
          }

          @Override
          public void handleNack(long seq, boolean multiple) {
            self.tell(new ConfirmReceived(inc, seq, multiple, false));
          }
        });
    connection.addBlockedListener(
        new BlockedListener() {
          // Health first, from the client's thread: the actor itself may be stuck in a publish
          // the broker no longer reads.
          @Override
          public void handleBlocked(String reason) {
            health.blocked(reason);
            self.tell(new BlockedChanged(inc, reason));
          }

          @Override
          public void handleUnblocked() {
            health.unblocked();
            self.tell(new BlockedChanged(inc, null));
          }
        });
    return ch;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Connected.class, this::onConnected)
        .onMessage(ConnectFailed.class, this::onConnectFailed)
        .onMessage(Returned.class, this::onReturned)
        .onMessage(ConfirmReceived.class, this::onConfirm)
        .onMessage(ConnectionLost.class, this::onConnectionLost)
        .onMessage(BlockedChanged.class, this::onBlockedChanged)
        .onMessage(CheckConfirmDeadlines.class, m -> onCheckDeadlines())
        .onMessage(CheckFailBack.class, m -> onCheckFailBack())
        .onSignal(PreRestart.class, s -> onStopping())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onPublish(Publish publish) {
    if (link.channel() == null) {
      publish.replyTo().tell(new PublishResult.NotConfirmed("broker connection is down", false));
    } else if (switching) {
      publish.replyTo().tell(new PublishResult.NotConfirmed("switching broker site", false));
    } else if (blockedReason != null) {
      publish
          .replyTo()
          .tell(new PublishResult.NotConfirmed("broker blocked: " + blockedReason, true));
    } else if (unconfirmed[publish.flow().ordinal()] >= settings.maxUnconfirmed()) {
      publish
          .replyTo()
          .tell(new PublishResult.NotConfirmed("too many unconfirmed publishes", false));
    } else {
      publishNow(publish);
    }
    return this;
  }

  private void publishNow(Publish publish) {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .deliveryMode(2)
            .contentType(MessageCodec.CONTENT_TYPE)
            .messageId(publish.messageId())
            .build();
    Channel channel = link.channel();
    long seq = channel.getNextPublishSeqNo();
    long now = System.nanoTime();
    try {
      channel.basicPublish(
          publish.flow().exchange(), topology.routingKey(), true, props, publish.body());
      pending.put(
          seq,
          new Pending(
              publish.flow(),
              publish.messageId(),
              publish.replyTo(),
              now,
              now + settings.confirmTimeout().toNanos()));
      unconfirmed[publish.flow().ordinal()]++;
    } catch (Exception e) {
      // The connection's shutdown listener restarts us; this publish alone is answered here, in
      // our words: the reason reaches API clients, the driver's text only the log.
      getContext()
          .getLog()
          .warn("publish of {} failed: {}", publish.messageId(), BrokerConnector.describe(e));
      publish
          .replyTo()
          .tell(new PublishResult.NotConfirmed("the broker connection failed to publish", false));
    }
  }

  private Behavior<Command> onConnected(Connected connected) {
    if (connected.incarnation() != incarnation) {
      link.abandon(connected.ready());
    } else {
      link.adopt(connected.ready());
      sites.connected();
    }
    return this;
  }

  private Behavior<Command> onConnectFailed(ConnectFailed failed) {
    if (failed.incarnation() != incarnation) {
      return this;
    }
    BrokerUnavailableException failure = link.connectFailed(failed.cause());
    siteFailed(failure.getMessage());
    throw failure;
  }

  private void siteFailed(String cause) {
    sites
        .failed(cause)
        .ifPresent(
            change ->
                getContext()
                    .getLog()
                    .warn(
                        "broker site fail-over: channel={} from={} to={} cause={}",
                        topology.channel(),
                        change.from().name(),
                        change.to().name(),
                        change.reason()));
  }

  private Behavior<Command> onReturned(Returned returned) {
    if (returned.incarnation() == incarnation && returned.messageId() != null) {
      unroutable.add(returned.messageId());
    }
    return this;
  }

  private Behavior<Command> onConfirm(ConfirmReceived confirm) {
    if (confirm.incarnation() != incarnation) {
      return this;
    }
    Map<Long, Pending> settled =
        confirm.multiple() ? pending.headMap(confirm.seq(), true) : singleton(confirm.seq());
    PublishResult result =
        confirm.ack()
            ? new PublishResult.Confirmed()
            : new PublishResult.NotConfirmed("nacked by the broker", false);
    for (Pending p : settled.values()) {
      unconfirmed[p.flow().ordinal()]--;
      if (unroutable.remove(p.messageId())) {
        getContext()
            .getLog()
            .error(
                "publish unroutable: channel={} flow={} messageId={} (no queue bound)",
                topology.channel(),
                p.flow(),
                p.messageId());
        metrics.nacked();
        p.replyTo().tell(new PublishResult.NotConfirmed("no queue took the message", false));
        continue;
      }
      if (confirm.ack()) {
        metrics.confirmed(p.publishedNanos());
      } else {
        metrics.nacked();
      }
      p.replyTo().tell(result);
    }
    settled.clear();
    switchWhenSettled();
    return this;
  }

  private Map<Long, Pending> singleton(long seq) {
    return pending.subMap(seq, true, seq, true);
  }

  private Behavior<Command> onConnectionLost(ConnectionLost lost) {
    if (lost.incarnation() != incarnation || link.channel() == null) {
      return this;
    }
    BrokerUnavailableException failure = link.lost(lost.cause());
    siteFailed(lost.cause());
    throw failure;
  }

  // Health was told on the client's thread already; the actor refuses publishes and logs.
  private Behavior<Command> onBlockedChanged(BlockedChanged change) {
    if (change.incarnation() != incarnation || link.opened() == null) {
      return this;
    }
    blockedReason = change.reason();
    if (blockedReason != null) {
      getContext()
          .getLog()
          .warn(
              "broker blocked publishing: channel={} node={} reason={}",
              topology.channel(),
              link.opened().node(),
              blockedReason);
    } else {
      getContext()
          .getLog()
          .info(
              "broker unblocked publishing: channel={} node={}",
              topology.channel(),
              link.opened().node());
    }
    return this;
  }

  private Behavior<Command> onCheckDeadlines() {
    long now = System.nanoTime();
    List<Long> expired = new ArrayList<>();
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (e.getValue().deadlineNanos() - now <= 0) {
        expired.add(e.getKey());
      }
    }
    for (Long seq : expired) {
      metrics.timedOut();
      Pending timedOut = pending.remove(seq);
      unconfirmed[timedOut.flow().ordinal()]--;
      timedOut
          .replyTo()
          .tell(new PublishResult.NotConfirmed("no confirm within the confirm timeout", false));
    }
    switchWhenSettled();
    return this;
  }

  private Behavior<Command> onCheckFailBack() {
    if (!switching
        && link.channel() != null
        && !sites.onFirstSite()
        && firstSiteConsumer.upFor(settings.failbackAfter())) {
      SiteSelector.Switch change = sites.failBack();
      getContext()
          .getLog()
          .info(
              "broker site fail-back: channel={} from={} to={} cause={}",
              topology.channel(),
              change.from().name(),
              change.to().name(),
              change.reason());
      switching = true;
      switchWhenSettled();
    }
    return this;
  }

  // A planned move, not a recovery: reconnect in place once no confirm is outstanding.
  private void switchWhenSettled() {
    if (switching && pending.isEmpty()) {
      switching = false;
      link.switchSite();
      incarnation = new Object();
      connect();
    }
  }

  private Behavior<Command> onStopping() {
    failPending("broker connection closed");
    link.release();
    return this;
  }

  private Behavior<Command> onStopped() {
    failPending("broker connection closed");
    link.close();
    return this;
  }

  private void failPending(String reason) {
    pending.values().forEach(p -> p.replyTo().tell(new PublishResult.NotConfirmed(reason, false)));
    pending.clear();
    unroutable.clear();
    java.util.Arrays.fill(unconfirmed, 0);
  }
}
