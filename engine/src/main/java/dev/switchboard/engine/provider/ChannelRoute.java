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
 * not throttled (else to the first one connected, which holds it through its pause). The channel
 * takes new work while an instance is up and not throttled; its consumer stops taking jobs while
 * none is.
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
    Instance target = first(ProviderHealth::available);
    if (target == null) {
      // Throttled instances still take a job already in hand: their runtime holds it until the
      // pause is over, instead of it going back to the broker and round again.
      target = first(ProviderHealth::connected);
    }
    if (target == null) {
      return CompletableFuture.completedFuture(
          new SendOutcome.NotAttempted("no provider of channel " + channel + " is available"));
    }
    Instance chosen = target;
    return AskPattern.<ProviderRuntime.Command, SendOutcome>ask(
            chosen.runtime(),
            replyTo -> new ProviderRuntime.Send(message, attempt, replyTo),
            askTimeout,
            scheduler)
        .thenApplyAsync(outcome -> answeredBy(outcome, chosen), executor);
  }

  // A permanent failure names the instance that gave it (an opt-out is recorded in its name).
  private static SendOutcome answeredBy(SendOutcome outcome, Instance instance) {
    if (outcome instanceof SendOutcome.PermanentFailure failure && failure.provider() == null) {
      return failure.from(instance.health().provider());
    }
    return outcome;
  }

  private Instance first(java.util.function.Predicate<ProviderHealth> usable) {
    for (Instance instance : instances) {
      if (usable.test(instance.health())) {
        return instance;
      }
    }
    return null;
  }
}
