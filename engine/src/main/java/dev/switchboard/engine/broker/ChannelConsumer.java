package dev.switchboard.engine.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns one channel's consuming connection to one site (there is one consumer per site, so whatever
 * is left on a site is drained when it is reachable): on one AMQP channel it consumes each of the
 * channel's queues it is given ({@link QueueWork}: outbound jobs, receipts, inbound messages) with
 * manual acks and a bounded prefetch per queue, hands each message to its work, and acks only when
 * the work completed (the entity took durable responsibility). Messages that cannot be decoded are
 * rejected to the dead-letter exchange at once; failures are handed back to the broker, whose
 * delivery limit dead-letters a message that fails every time. A work whose gate closes (its
 * providers are down) stops being consumed, so its jobs wait in the broker. A lost connection fails
 * the actor; its supervisor restarts it.
 */
public final class ChannelConsumer extends AbstractBehavior<ChannelConsumer.Command> {

  /** The consumer's messages; all internal. */
  public sealed interface Command {}

  private record Connected(BrokerLink.Ready ready, Object incarnation) implements Command {}

  private record ConnectFailed(Object incarnation, Throwable cause) implements Command {}

  private record Delivered(Object incarnation, int work, long tag, boolean redelivered, byte[] body)
      implements Command {}

  private record JobFinished(Object incarnation, Job job, Throwable failure) implements Command {}

  private record Job(int work, long tag, boolean redelivered, Object value, String lane) {}

  private record ConnectionLost(Object incarnation, String cause) implements Command {}

  /**
   * The node is stopping: take no more jobs, let the ones running finish, then answer; jobs not
   * started stay unacked and go back to the broker when the connection closes.
   */
  private record Drain(ActorRef<Done> replyTo) implements Command {}

  private enum SampleQueue implements Command {
    INSTANCE
  }

  private enum CheckGates implements Command {
    INSTANCE
  }

  private final Topology topology;
  private final Site site;
  private final BrokerSettings settings;
  private final List<QueueWork<?>> works;
  private final ConsumerMetrics metrics;
  private final BrokerLink link;
  // Identifies this instance's connection: deliveries and results from an earlier one are stale.
  private final Object incarnation = new Object();
  // The broker's consumer tag of each work while it is consumed; null while it is not.
  private final String[] consumerTags;
  // Jobs of one lane (a recipient) reach the provider in the order the queue holds them.
  private final RecipientLanes<Job> lanes = new RecipientLanes<>();
  // Jobs nobody could take now, kept unacked (and first in their lane) until their gate opens.
  private final List<Job> parked = new java.util.ArrayList<>();

  // Jobs handed to their work and not finished yet; while draining, none is started.
  private int running;
  private boolean draining;
  private final List<ActorRef<Done>> drained = new java.util.ArrayList<>();
  private final Cancellable drainAtShutdown;

  /** Where and how the consumer connects; outlives its restarts. */
  public record Setup(
      Topology topology,
      Site site,
      BrokerSettings settings,
      BrokerConnector connector,
      ConnectionHealth health,
      ConsumerMetrics metrics) {}

  /** A consumer of the outbound queue alone, always open. */
  public static Behavior<Command> create(Setup setup, JobHandler handler) {
    return create(setup, List.of(QueueWork.outbound(handler, () -> true)));
  }

  public static Behavior<Command> create(Setup setup, List<QueueWork<?>> works) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      SampleQueue.INSTANCE, setup.settings().queueSampleInterval());
                  timers.startTimerWithFixedDelay(
                      CheckGates.INSTANCE, setup.settings().gateCheckInterval());
                  return new ChannelConsumer(ctx, setup, works);
                }));
  }

  private ChannelConsumer(ActorContext<Command> ctx, Setup setup, List<QueueWork<?>> works) {
    super(ctx);
    this.topology = setup.topology();
    this.site = setup.site();
    this.settings = setup.settings();
    this.works = List.copyOf(works);
    this.consumerTags = new String[works.size()];
    this.metrics = setup.metrics();
    this.link =
        new BrokerLink(
            topology.channel(),
            "consumer-" + site.name(),
            settings,
            setup.connector(),
            setup.health(),
            BlockingDispatcher.executor(ctx.getSystem(), settings),
            ctx.getLog());
    this.drainAtShutdown = drainAtShutdown(ctx);
    connect();
  }

  // In-flight attempts finish before the providers close (service-stop): a send cut off in the
  // middle has an unknown outcome, and its redelivery could reach the provider twice.
  private static Cancellable drainAtShutdown(ActorContext<Command> ctx) {
    ActorRef<Command> self = ctx.getSelf();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(ctx.getSystem());
    Duration bound =
        Duration.ofMillis(
            shutdown.timeout(CoordinatedShutdown.PhaseServiceRequestsDone()).toMillis());
    return shutdown.addCancellableTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "drain-consumer-" + self.path().name(),
        () ->
            AskPattern.<Command, Done>ask(
                    self, Drain::new, bound.minusMillis(100), ctx.getSystem().scheduler())
                .exceptionally(error -> Done.getInstance()));
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
                  // Per consumer: each queue of the channel has its own prefetch.
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
    private final int work;

    Forwarder(Channel channel, ActorRef<Command> self, Object incarnation, int work) {
      super(channel);
      this.self = self;
      this.incarnation = incarnation;
      this.work = work;
    }

    @Override
    public void handleDelivery(
        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      self.tell(
          new Delivered(
              incarnation, work, envelope.getDeliveryTag(), envelope.isRedeliver(), body));
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
        .onMessage(CheckGates.class, m -> onCheckGates())
        .onMessage(Drain.class, this::onDrain)
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
    for (int i = 0; i < works.size(); i++) {
      if (works.get(i).open()) {
        subscribe(i);
      }
    }
    return this;
  }

  private void subscribe(int work) {
    Channel channel = link.channel();
    String queue = topology.queue(works.get(work).flow());
    try {
      consumerTags[work] =
          channel.basicConsume(
              queue, false, new Forwarder(channel, getContext().getSelf(), incarnation, work));
    } catch (IOException | RuntimeException e) {
      throw link.lost("could not consume " + queue + ": " + BrokerConnector.describe(e));
    }
  }

  // Jobs already delivered are finished as usual; the broker keeps the rest until we resume.
  private Behavior<Command> onCheckGates() {
    Channel channel = link.channel();
    if (channel == null) {
      return this;
    }
    for (int i = 0; i < works.size(); i++) {
      boolean open = works.get(i).open();
      if (open && consumerTags[i] == null) {
        getContext()
            .getLog()
            .info(
                "consuming resumed: channel={} site={} queue={}",
                topology.channel(),
                site.name(),
                topology.queue(works.get(i).flow()));
        subscribe(i);
      }
      if (open) {
        restartParked(i);
      } else {
        pause(i);
      }
    }
    return this;
  }

  private void restartParked(int work) {
    List<Job> again = parked.stream().filter(j -> j.work() == work).toList();
    parked.removeAll(again);
    again.forEach(this::start);
  }

  private void pause(int work) {
    String tag = consumerTags[work];
    Channel channel = link.channel();
    if (tag == null || channel == null) {
      return;
    }
    consumerTags[work] = null;
    String queue = topology.queue(works.get(work).flow());
    if (stopping()) {
      // The providers closed because the node stops: expected, not an outage.
      getContext()
          .getLog()
          .info(
              "consuming paused, the node is stopping: channel={} site={} queue={}",
              topology.channel(),
              site.name(),
              queue);
    } else {
      getContext()
          .getLog()
          .warn(
              "consuming paused, {}: channel={} site={} queue={}",
              works.get(work).closedReason(),
              topology.channel(),
              site.name(),
              queue);
    }
    try {
      channel.basicCancel(tag);
    } catch (IOException | RuntimeException e) {
      throw link.lost("could not pause consuming: " + BrokerConnector.describe(e));
    }
  }

  private boolean stopping() {
    return CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent();
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
    QueueWork<?> work = works.get(delivered.work());
    Job job;
    try {
      job = decode(work, delivered);
    } catch (RuntimeException e) {
      // Whatever cannot be read as a job is poison: never let it fail the consumer.
      getContext()
          .getLog()
          .warn(
              "poison message dead-lettered: channel={} queue={} cause={}",
              topology.channel(),
              topology.queue(work.flow()),
              e.getMessage());
      metrics.deadLettered();
      settle(delivered.tag(), () -> channel.basicReject(delivered.tag(), false));
      return this;
    }
    if (job.lane() == null || lanes.admit(job.lane(), job)) {
      start(job);
    }
    return this;
  }

  private static <J> Job decode(QueueWork<J> work, Delivered delivered) {
    J value = work.decode(delivered.body());
    String lane = work.lane(value);
    return new Job(
        delivered.work(),
        delivered.tag(),
        delivered.redelivered(),
        value,
        lane == null ? null : delivered.work() + ":" + lane);
  }

  private Behavior<Command> onDrain(Drain drain) {
    drained.add(drain.replyTo());
    if (!draining) {
      draining = true;
      getContext()
          .getLog()
          .info(
              "consumer draining: channel={} site={} running={}",
              topology.channel(),
              site.name(),
              running);
      for (int i = 0; i < works.size(); i++) {
        cancel(i);
      }
    }
    answerDrainedWhenIdle();
    return this;
  }

  private void cancel(int work) {
    String tag = consumerTags[work];
    Channel channel = link.channel();
    consumerTags[work] = null;
    if (tag != null && channel != null) {
      try {
        channel.basicCancel(tag);
      } catch (IOException | RuntimeException e) {
        // The connection is going anyway: what it held goes back to the broker with it.
      }
    }
  }

  private void answerDrainedWhenIdle() {
    if (draining && running == 0) {
      drained.forEach(r -> r.tell(Done.getInstance()));
      drained.clear();
    }
  }

  private void start(Job job) {
    if (draining) {
      // Never started: it stays unacked and is redelivered, to this node's successor or another.
      return;
    }
    running++;
    Object inc = incarnation;
    getContext()
        .pipeToSelf(
            handle(works.get(job.work()), job), (ok, error) -> new JobFinished(inc, job, error));
  }

  @SuppressWarnings("unchecked")
  private static <J> java.util.concurrent.CompletionStage<?> handle(QueueWork<J> work, Job job) {
    try {
      return work.handle((J) job.value(), job.redelivered());
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <J> String describe(QueueWork<J> work, Job job) {
    return work.describe((J) job.value());
  }

  private Behavior<Command> onJobFinished(JobFinished finished) {
    if (finished.incarnation() == incarnation) {
      running--;
    }
    try {
      return settleFinished(finished);
    } finally {
      answerDrainedWhenIdle();
    }
  }

  private Behavior<Command> settleFinished(JobFinished finished) {
    Channel channel = link.channel();
    if (finished.incarnation() != incarnation || channel == null) {
      // Its channel is gone, and with it the delivery tag: the broker redelivers the message.
      return this;
    }
    Job job = finished.job();
    long tag = job.tag();
    Throwable failure =
        finished.failure() instanceof CompletionException && finished.failure().getCause() != null
            ? finished.failure().getCause()
            : finished.failure();
    if (failure == null) {
      metrics.consumed();
      settle(tag, () -> channel.basicAck(tag, false));
    } else if (failure instanceof QueueWork.NotNow) {
      // Kept, lane and all: no redelivery loop spends its delivery limit while providers are away.
      parked.add(job);
      pause(job.work());
      return this;
    } else if (failure instanceof QueueWork.Rejected) {
      getContext()
          .getLog()
          .warn(
              "job dead-lettered: channel={} queue={} id={} cause={}",
              topology.channel(),
              topology.queue(works.get(job.work()).flow()),
              describe(works.get(job.work()), job),
              failure.getMessage());
      metrics.deadLettered();
      settle(tag, () -> channel.basicReject(tag, false));
    } else {
      getContext()
          .getLog()
          .warn(
              "job handed back to the broker: channel={} queue={} id={} cause={}",
              topology.channel(),
              topology.queue(works.get(job.work()).flow()),
              describe(works.get(job.work()), job),
              BrokerConnector.describe(failure));
      metrics.handedBack();
      settle(tag, () -> channel.basicNack(tag, false, true));
    }
    if (job.lane() != null) {
      lanes.finished(job.lane()).ifPresent(this::start);
    }
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

  // Passive declares on our own channel: two bounded RPCs every sample interval.
  private Behavior<Command> onSampleQueue() {
    Channel channel = link.channel();
    if (channel != null) {
      try {
        com.rabbitmq.client.AMQP.Queue.DeclareOk queue =
            channel.queueDeclarePassive(topology.queue());
        metrics.sampled(queue.getMessageCount(), queue.getConsumerCount());
        metrics.deadSampled(channel.queueDeclarePassive(Topology.DEAD_QUEUE).getMessageCount());
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
    // The restarted instance registers its own.
    drainAtShutdown.cancel();
    link.release();
    return this;
  }

  private Behavior<Command> onStopped() {
    drainAtShutdown.cancel();
    link.close();
    return this;
  }
}
