package dev.switchboard.engine.receipt;

import dev.switchboard.engine.Continuations;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.QueueWork;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.ProviderIdIndex;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The work of a channel's receipts queue: finds the receipt's message (by our id when the provider
 * knows it, else through the provider-id index, looked up again for a while when the receipt
 * overtook its send's answer) and records the receipt on the message entity; the broker message is
 * acked once the entity recorded it. A receipt that never finds its message is dead-lettered.
 */
public final class ReceiptWork implements QueueWork<DeliveryReceipt> {
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(2);

  private final ClusterSharding sharding;
  private final ProviderIdIndex index;
  private final Duration correlationWindow;
  private final Duration askTimeout;
  private final Executor executor;
  private final MeterRegistry meters;

  public ReceiptWork(
      ClusterSharding sharding,
      ProviderIdIndex index,
      Duration correlationWindow,
      Duration askTimeout,
      Executor executor,
      MeterRegistry meters) {
    this.sharding = sharding;
    this.index = index;
    this.correlationWindow = correlationWindow;
    this.askTimeout = askTimeout;
    this.executor = executor;
    this.meters = meters;
  }

  @Override
  public Topology.Flow flow() {
    return Topology.Flow.RECEIPTS;
  }

  @Override
  public DeliveryReceipt decode(byte[] body) {
    return MessageCodec.RECEIPT.decode(body);
  }

  @Override
  public String lane(DeliveryReceipt receipt) {
    return null;
  }

  @Override
  public String describe(DeliveryReceipt receipt) {
    return receipt.provider() + "/" + receipt.providerMessageId();
  }

  @Override
  public CompletionStage<?> handle(DeliveryReceipt receipt, boolean redelivered) {
    CompletableFuture<String> messageId =
        receipt.messageId() != null
            ? CompletableFuture.completedFuture(receipt.messageId())
            : lookUp(receipt, System.nanoTime() + correlationWindow.toNanos(), FIRST_RETRY);
    return messageId.thenCompose(id -> record(receipt, id));
  }

  private CompletableFuture<String> lookUp(DeliveryReceipt receipt, long deadline, Duration wait) {
    return index
        .find(receipt.provider(), receipt.providerMessageId())
        .toCompletableFuture()
        .thenComposeAsync(
            found -> {
              if (found.isPresent()) {
                return CompletableFuture.completedFuture(found.get());
              }
              if (System.nanoTime() - deadline >= 0) {
                count(receipt, "unmatched");
                throw new Rejected(
                    "no message for "
                        + receipt.provider()
                        + " id "
                        + receipt.providerMessageId()
                        + " after "
                        + correlationWindow.toSeconds()
                        + " s");
              }
              Duration next = wait.multipliedBy(2);
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          wait.toMillis(), TimeUnit.MILLISECONDS, executor))
                  .thenCompose(
                      ignored ->
                          lookUp(
                              receipt,
                              deadline,
                              next.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : next));
            },
            executor);
  }

  private CompletableFuture<Done> record(DeliveryReceipt receipt, String messageId) {
    DeliveryReceipt matched =
        new DeliveryReceipt(
            receipt.channel(),
            receipt.provider(),
            receipt.providerMessageId(),
            messageId,
            receipt.outcome(),
            receipt.errorCode(),
            receipt.at());
    return Continuations.on(
            sharding
                .entityRefFor(MessageEntity.TYPE_KEY, messageId)
                .<Done>ask(
                    replyTo -> new MessageEntity.RecordReceipt(matched, replyTo), askTimeout),
            executor)
        .whenComplete((ok, error) -> count(receipt, error == null ? "recorded" : "retried"));
  }

  private void count(DeliveryReceipt receipt, String result) {
    meters
        .counter(
            "switchboard.receipts",
            "channel",
            receipt.channel(),
            "provider",
            receipt.provider(),
            "result",
            result)
        .increment();
  }
}
