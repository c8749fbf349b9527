package dev.switchboard.engine.provider;

/** Where a provider reports delivery receipts; thread-safe, never blocks. */
@FunctionalInterface
public interface ReceiptSink {
  void report(DeliveryReceipt receipt);
}
