package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A channel's ordered provider instances: each attempt goes to the first instance that is up, not
 * throttled and whose {@link CircuitBreaker} gives leave (else to the first one connected whose
 * breaker does, which holds it through its pause). Traffic therefore moves down the list while an
 * instance is down or its breaker open, and back up as soon as its breaker closes. The channel
 * takes new work while an instance could take it; its consumer stops taking jobs while none can.
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
      if (instance.health().available() && instance.health().breaker().admits()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    Choice target = first(ProviderHealth::available);
    if (target == null) {
      // Throttled instances still take a job already in hand: their runtime holds it until the
      // pause is over, instead of it going back to the broker and round again.
      target = first(ProviderHealth::connected);
    }
    if (target == null) {
      // Every instance down, throttled out or with its breaker open: the attempt is not made
      // rather than sent to a provider known to be failing (where it would spend one of the
      // message's attempts), and available() closes the consumer's gate, so jobs wait in the
      // broker until an instance is back or a breaker lets a trial through (ADR 13).
      return CompletableFuture.completedFuture(
          new SendOutcome.NotAttempted(
              "no provider of channel " + channel + " is available (" + describe() + ")"));
    }
    Choice chosen = target;
    return AskPattern.<ProviderRuntime.Command, SendOutcome>ask(
            chosen.instance().runtime(),
            replyTo -> new ProviderRuntime.Send(message, attempt, replyTo),
            askTimeout,
            scheduler)
        .whenComplete(
            (outcome, error) ->
                chosen.instance().health().breaker().record(chosen.permit(), outcome, error))
        .thenApplyAsync(outcome -> answeredBy(outcome, chosen.instance()), executor);
  }

  // A permanent failure names the instance that gave it (an opt-out is recorded in its name).
  private static SendOutcome answeredBy(SendOutcome outcome, Instance instance) {
    if (outcome instanceof SendOutcome.PermanentFailure failure && failure.provider() == null) {
      return failure.from(instance.health().provider());
    }
    return outcome;
  }

  private record Choice(Instance instance, CircuitBreaker.Permit permit) {}

  private Choice first(Predicate<ProviderHealth> usable) {
    for (Instance instance : instances) {
      if (usable.test(instance.health())) {
        CircuitBreaker.Permit permit = instance.health().breaker().tryAcquire();
        if (permit != null) {
          return new Choice(instance, permit);
        }
      }
    }
    return null;
  }

  private String describe() {
    StringBuilder states = new StringBuilder();
    for (Instance instance : instances) {
      ProviderHealth health = instance.health();
      if (!states.isEmpty()) {
        states.append(", ");
      }
      states
          .append(health.provider())
          .append(": ")
          .append(health.state().name().toLowerCase(Locale.ROOT))
          .append(", breaker ")
          .append(health.breaker().state().wireName());
    }
    return states.toString();
  }
}
