package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A channel's ordered provider instances: each attempt goes to the first instance that is up and
 * not throttled. The channel can take work while any of them can; its consumer stops taking jobs
 * while none can.
 */
public final class ChannelRoute implements ChannelProvider {

  /** One instance of the channel: its runtime and its health. */
  public record Instance(ActorRef<ProviderRuntime.Command> runtime, ProviderHealth health) {}

  private final String channel;
  private final List<Instance> instances;
  private final Duration askTimeout;
  private final Scheduler scheduler;
  private final Executor executor;

  public ChannelRoute(
      String channel,
      List<Instance> instances,
      Duration askTimeout,
      Scheduler scheduler,
      Executor executor) {
    this.channel = channel;
    this.instances = List.copyOf(instances);
    this.askTimeout = askTimeout;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  public String channel() {
    return channel;
  }

  public List<Instance> instances() {
    return instances;
  }

  /** True while at least one instance can take work. */
  public boolean available() {
    for (Instance instance : instances) {
      if (instance.health().available()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    for (Instance instance : instances) {
      if (instance.health().available()) {
        return AskPattern.<ProviderRuntime.Command, SendOutcome>ask(
                instance.runtime(),
                replyTo -> new ProviderRuntime.Send(message, attempt, replyTo),
                askTimeout,
                scheduler)
            .thenApplyAsync(outcome -> outcome, executor);
      }
    }
    return CompletableFuture.completedFuture(
        new SendOutcome.NotAttempted("no provider of channel " + channel + " is available"));
  }
}
