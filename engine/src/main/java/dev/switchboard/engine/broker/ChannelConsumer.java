package dev.switchboard.engine.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.switchboard.engine.message.OutboundMessage;
import java.io.IOException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns one channel's consuming connection to one site (there is one consumer per site, so whatever
 * is left on a site is drained when it is reachable): consumes with manual acks and a bounded
 * prefetch, hands each message to the {@link JobHandler}, and acks only when the handler completed
 * (the entity took durable responsibility). Messages that cannot be decoded are rejected to the
 * dead-letter exchange at once; handler failures are handed back to the broker, whose delivery
 * limit dead-letters a message that fails every time. A lost connection fails the actor; its
 * supervisor restarts it.
 */
public final class ChannelConsumer extends AbstractBehavior<ChannelConsumer.Command> {

  /** The consumer's messages; all internal. */
  public sealed interface Command {}

  private record Connected(BrokerLink.Ready ready, Object incarnation) implements Command {}

  private record ConnectFailed(Object incarnation, Throwable cause) implements Command {}

  private record Delivered(Object incarnation, long tag, boolean redelivered, byte[] body)
      implements Command {}

  private record JobFinished(Object incarnation, Job job, Throwable failure) implements Command {}

  private record Job(long tag, boolean redelivered, OutboundMessage message) {}

  private record ConnectionLost(Object incarnation, String cause) implements Command {}

  private enum SampleQueue implements Command {
    INSTANCE
  }

  private final Topology topology;
  private final Site site;
  private final BrokerSettings settings;
  private final JobHandler handler;
  private final ConsumerMetrics metrics;
  private final BrokerLink link;
  // Identifies this instance's connection: deliveries and results from an earlier one are stale.
  private final Object incarnation = new Object();
  // Messages to one recipient reach the provider in the order the queue holds them.
  private final RecipientLanes<Job> lanes = new RecipientLanes<>();

  public static Behavior<Command> create(
      Topology topology,
      Site site,
      BrokerSettings settings,
      BrokerConnector connector,
      ConnectionHealth health,
      JobHandler handler,
      ConsumerMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      SampleQueue.INSTANCE, settings.queueSampleInterval());
                  return new ChannelConsumer(
                      ctx, topology, site, settings, connector, health, handler, metrics);
                }));
  }

  private ChannelConsumer(
      ActorContext<Command> ctx,
      Topology topology,
      Site site,
      BrokerSettings settings,
      BrokerConnector connector,
      ConnectionHealth health,
      JobHandler handler,
      ConsumerMetrics metrics) {
    super(ctx);
    this.topology = topology;
    this.site = site;
    this.settings = settings;
    this.handler = handler;
    this.metrics = metrics;
    this.link =
        new BrokerLink(
            topology.channel(),
            "consumer-" + site.name(),
            settings,
            connector,
            health,
            BlockingDispatcher.executor(ctx.getSystem(), settings),
            ctx.getLog());
    connect();
  }

  private void connect() {
    ActorRef<Command> self = getContext().getSelf();
    Object inc = incarnation;
    getContext()
        .pipeToSelf(
            link.open(
                site,
                connection -> {
                  Channel ch = connection.createChannel();
                  topology.declare(ch);
                  ch.basicQos(settings.prefetch());
                  return ch;
                },
                cause -> self.tell(new ConnectionLost(inc, cause))),
            (ready, error) ->
                error == null ? new Connected(ready, inc) : new ConnectFailed(inc, error));
  }

  /** Runs on the client's consumer thread: it only tells the actor. */
  private static final class Forwarder extends DefaultConsumer {
    private final ActorRef<Command> self;
    private final Object incarnation;

    Forwarder(Channel channel, ActorRef<Command> self, Object incarnation) {
      super(channel);
      this.self = self;
      this.incarnation = incarnation;
    }

    @Override
    public void handleDelivery(
        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      self.tell(
          new Delivered(incarnation, envelope.getDeliveryTag(), envelope.isRedeliver(), body));
    }

    @Override
    public void handleCancel(String consumerTag) {
      self.tell(
          new ConnectionLost(incarnation, "consumer cancelled by the broker (queue deleted?)"));
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
      self.tell(new ConnectionLost(incarnation, BrokerConnector.describe(sig)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connected.class, this::onConnected)
        .onMessage(ConnectFailed.class, this::onConnectFailed)
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(JobFinished.class, this::onJobFinished)
        .onMessage(ConnectionLost.class, this::onConnectionLost)
        .onMessage(SampleQueue.class, m -> onSampleQueue())
        .onSignal(PreRestart.class, s -> onStopping())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onConnected(Connected connected) {
    if (connected.incarnation() != incarnation) {
      link.abandon(connected.ready());
      return this;
    }
    link.adopt(connected.ready());
    // Subscribe only now: a delivery that came before the channel was ours would have nowhere to
    // be settled and would sit unacked for as long as the connection lives.
    Channel channel = connected.ready().channel();
    try {
      channel.basicConsume(
          topology.queue(), false, new Forwarder(channel, getContext().getSelf(), incarnation));
    } catch (IOException | RuntimeException e) {
      throw link.lost("could not consume " + topology.queue() + ": " + BrokerConnector.describe(e));
    }
    return this;
  }

  private Behavior<Command> onConnectFailed(ConnectFailed failed) {
    if (failed.incarnation() != incarnation) {
      return this;
    }
    throw link.connectFailed(failed.cause());
  }

  private Behavior<Command> onDelivered(Delivered delivered) {
    Channel channel = link.channel();
    if (delivered.incarnation() != incarnation || channel == null) {
      return this;
    }
    OutboundMessage message;
    try {
      message = MessageCodec.decode(delivered.body());
    } catch (RuntimeException e) {
      // Whatever cannot be read as a message is poison: never let it fail the consumer.
      getContext()
          .getLog()
          .warn(
              "poison message dead-lettered: channel={} queue={} cause={}",
              topology.channel(),
              topology.queue(),
              e.getMessage());
      metrics.deadLettered();
      settle(delivered.tag(), () -> channel.basicReject(delivered.tag(), false));
      return this;
    }
    Job job = new Job(delivered.tag(), delivered.redelivered(), message);
    if (lanes.admit(message.to(), job)) {
      start(job);
    }
    return this;
  }

  private void start(Job job) {
    Object inc = incarnation;
    getContext()
        .pipeToSelf(
            handler.handle(job.message(), job.redelivered()),
            (ok, error) -> new JobFinished(inc, job, error));
  }

  private Behavior<Command> onJobFinished(JobFinished finished) {
    Channel channel = link.channel();
    if (finished.incarnation() != incarnation || channel == null) {
      // Its channel is gone, and with it the delivery tag: the broker redelivers the message.
      return this;
    }
    long tag = finished.job().tag();
    if (finished.failure() == null) {
      metrics.consumed();
      settle(tag, () -> channel.basicAck(tag, false));
    } else {
      getContext()
          .getLog()
          .warn(
              "job handed back to the broker: channel={} messageId={} cause={}",
              topology.channel(),
              finished.job().message().id(),
              BrokerConnector.describe(finished.failure()));
      metrics.handedBack();
      settle(tag, () -> channel.basicNack(tag, false, true));
    }
    lanes.finished(finished.job().message().to()).ifPresent(this::start);
    return this;
  }

  private interface Settlement {
    void run() throws Exception;
  }

  // An ack on a dying channel fails; the shutdown listener restarts us and the broker redelivers.
  private void settle(long tag, Settlement settlement) {
    try {
      settlement.run();
    } catch (Exception e) {
      getContext()
          .getLog()
          .debug(
              "could not settle delivery {} on channel {}: {}",
              tag,
              topology.channel(),
              BrokerConnector.describe(e));
    }
  }

  private Behavior<Command> onConnectionLost(ConnectionLost lost) {
    if (lost.incarnation() != incarnation || link.channel() == null) {
      return this;
    }
    throw link.lost(lost.cause());
  }

  // A passive declare on our own channel: one bounded RPC every sample interval.
  private Behavior<Command> onSampleQueue() {
    Channel channel = link.channel();
    if (channel != null) {
      try {
        com.rabbitmq.client.AMQP.Queue.DeclareOk queue =
            channel.queueDeclarePassive(topology.queue());
        metrics.sampled(queue.getMessageCount(), queue.getConsumerCount());
      } catch (IOException | RuntimeException e) {
        getContext()
            .getLog()
            .debug(
                "queue sample failed: channel={} site={}: {}",
                topology.channel(),
                site.name(),
                BrokerConnector.describe(e));
      }
    }
    return this;
  }

  private Behavior<Command> onStopping() {
    link.release();
    return this;
  }

  private Behavior<Command> onStopped() {
    link.close();
    return this;
  }
}
