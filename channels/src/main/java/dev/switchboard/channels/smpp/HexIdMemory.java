package dev.switchboard.channels.smpp;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether an SMSC's submit_sm_resp ids are hex (one of them had a hex letter), the fact {@code
 * receipt-id-format = auto} decides by. Kept per provider instance, so a new bind still reads the
 * receipts of messages sent on an earlier one. A receipt can race the response of the first submit
 * (the SMSC sends both at once and jsmpp hands them to different threads): while a submit is
 * waiting and no response id was seen yet, {@link #sawHex} waits a little for that first response,
 * and else says it cannot tell (the receipt is then answered 0x64 and comes again).
 */
final class HexIdMemory {
  private final CompletableFuture<Void> firstResponse = new CompletableFuture<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean hex;

  /** A submit_sm is about to go out. */
  void submitting() {
    waiting.incrementAndGet();
  }

  /** A submit_sm got its answer; {@code respId} is null when it was refused or never came. */
  void answered(String respId) {
    if (respId != null) {
      if (SmscMessageIds.looksHex(respId)) {
        hex = true;
      }
      firstResponse.complete(null);
    }
    waiting.decrementAndGet();
  }

  /**
   * Whether hex ids were seen, waiting up to {@code wait} for a first response in flight; empty
   * when that response did not come in time (the receipt cannot be read yet).
   */
  Optional<Boolean> sawHex(Duration wait) {
    if (!hex && !firstResponse.isDone() && waiting.get() > 0) {
      try {
        firstResponse.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.of(hex);
  }
}
