package dev.switchboard.channels.sandbox;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContextExecutor;

/**
 * A simulated provider. Recipients ending in {@code 0001} fail permanently; recipients ending in
 * {@code 0002} fail transiently on the first two attempts and then succeed; every other message is
 * sent after the configured latency and reported delivered after the receipt delay.
 */
public final class SandboxProvider implements ProviderAdapter {
  static final String PERMANENT_FAILURE_SUFFIX = "0001";
  static final String TRANSIENT_FAILURE_SUFFIX = "0002";
  static final int TRANSIENT_FAILURES = 2;

  private final SandboxSettings settings;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final Clock clock;
  private final String name;

  public SandboxProvider(
      String name,
      SandboxSettings settings,
      Scheduler scheduler,
      ExecutionContextExecutor executor,
      Clock clock) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.executor = executor;
    this.clock = clock;
    this.name = name;
  }

  @Override
  public String peer() {
    return "sandbox";
  }

  @Override
  public boolean receiptsNameOurIds() {
    return true;
  }

  @Override
  public ProviderSession open(ProviderEvents events) {
    return new ProviderSession() {
      @Override
      public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
        return SandboxProvider.this.send(message, attempt, events);
      }

      @Override
      public void close() {}
    };
  }

  private CompletionStage<SendOutcome> send(
      OutboundMessage message, int attempt, ProviderEvents events) {
    if (settings.ledger()) {
      SandboxLedger.recordAttempt(message.id());
    }
    SendOutcome outcome = outcomeOf(message, attempt);
    if (outcome instanceof SendOutcome.Sent sent) {
      if (settings.ledger()) {
        SandboxLedger.recordSent(message.to(), message.id());
      }
      long giveUpAt = System.nanoTime() + settings.receiptRedeliveryFor().toNanos();
      scheduler.scheduleOnce(
          settings.latency().plus(settings.receiptDelay()),
          () -> report(delivered(message, sent), events, giveUpAt),
          executor);
    }
    if (settings.latency().isZero()) {
      return CompletableFuture.completedFuture(outcome);
    }
    CompletableFuture<SendOutcome> later = new CompletableFuture<>();
    scheduler.scheduleOnce(settings.latency(), () -> later.complete(outcome), executor);
    return later;
  }

  // Delivered now: the receipt's time is the handset's, not the send's.
  private DeliveryReceipt delivered(OutboundMessage message, SendOutcome.Sent sent) {
    return new DeliveryReceipt(
        message.channel(),
        name,
        sent.providerMessageId(),
        message.id(),
        DeliveryReceipt.Outcome.DELIVERED,
        null,
        clock.instant());
  }

  // Until the engine acknowledges it, as a provider does with a receipt nobody took.
  private void report(DeliveryReceipt receipt, ProviderEvents events, long giveUpAt) {
    events
        .receipt(receipt)
        .whenComplete(
            (ok, error) -> {
              if (error != null && System.nanoTime() - giveUpAt < 0) {
                scheduler.scheduleOnce(
                    settings.receiptRedelivery(),
                    () -> report(receipt, events, giveUpAt),
                    executor);
              }
            });
  }

  static SendOutcome outcomeOf(OutboundMessage message, int attempt) {
    if (message.to().endsWith(PERMANENT_FAILURE_SUFFIX)) {
      return new SendOutcome.PermanentFailure(
          "sandbox_rejected", "the sandbox rejects recipients ending in 0001");
    }
    if (message.to().endsWith(TRANSIENT_FAILURE_SUFFIX) && attempt <= TRANSIENT_FAILURES) {
      return new SendOutcome.TransientFailure(
          "sandbox_unavailable",
          "the sandbox fails recipients ending in 0002 on their first two attempts",
          null);
    }
    return new SendOutcome.Sent("sbx_" + UUID.randomUUID());
  }
}
