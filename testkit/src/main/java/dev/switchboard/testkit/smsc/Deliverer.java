package dev.switchboard.testkit.smsc;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.SMPPServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deliver_sm (receipts and MO) on a small pool of its own: jsmpp blocks the sender until the
 * deliver_sm_resp, which must never happen on jsmpp's PDU threads. A client answering 0x64
 * (ESME_RX_T_APPN) gets the same deliver_sm again after a delay, up to a bound.
 */
final class Deliverer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

  /** One deliver_sm to send; the target is looked up at every attempt, as sessions come and go. */
  record Delivery(
      Supplier<SMPPServerSession> target,
      String sourceAddr,
      String destAddr,
      byte esmClass,
      byte dataCoding,
      byte[] shortMessage,
      OptionalParameter[] params) {}

  private final ScheduledThreadPoolExecutor pool;
  private final int maxRedeliveries;
  private final Duration redeliveryDelay;
  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final LongAdder noResponse = new LongAdder();
  private final LongAdder redeliveries = new LongAdder();

  Deliverer(int threads, int maxRedeliveries, Duration redeliveryDelay) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, "smsc-sim-deliver-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.maxRedeliveries = maxRedeliveries;
    this.redeliveryDelay = redeliveryDelay;
  }

  /**
   * Completes with the client's final command_status, or exceptionally with {@link
   * DeliverSmFailedException} when no answer came.
   */
  CompletableFuture<Integer> deliver(Delivery d) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    schedule(() -> attempt(d, 0, result), 0, result);
    return result;
  }

  private void attempt(Delivery d, int redelivery, CompletableFuture<Integer> result) {
    int status;
    try {
      status = sendOnce(d);
    } catch (DeliverSmFailedException e) {
      noResponse.increment();
      // No session to take it, or no answer: a real SMSC keeps a receipt and tries again later.
      if (redelivery < maxRedeliveries) {
        redeliveries.increment();
        schedule(() -> attempt(d, redelivery + 1, result), redeliveryDelay.toMillis(), result);
      } else {
        result.completeExceptionally(e);
      }
      return;
    }
    responses.computeIfAbsent(status, s -> new LongAdder()).increment();
    if (isTemporary(status) && redelivery < maxRedeliveries) {
      redeliveries.increment();
      schedule(() -> attempt(d, redelivery + 1, result), redeliveryDelay.toMillis(), result);
    } else {
      result.complete(status);
    }
  }

  // What an SMSC retries: the ESME's "not now" (0x64) and its throttling (jsmpp answers 0x58 when
  // its receive queue is full), as a real SMSC keeps a receipt until it is taken.
  private static boolean isTemporary(int status) {
    return status == SMPPConstant.STAT_ESME_RX_T_APPN
        || status == SMPPConstant.STAT_ESME_RTHROTTLED
        || status == SMPPConstant.STAT_ESME_RMSGQFUL;
  }

  private void schedule(Runnable task, long delayMillis, CompletableFuture<Integer> result) {
    try {
      pool.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new DeliverSmFailedException("simulator closed", DeliverSmFailedException.NO_RESPONSE));
    }
  }

  private static int sendOnce(Delivery d) {
    SMPPServerSession session = d.target().get();
    if (session == null) {
      throw new DeliverSmFailedException(
          "no bound receiver or transceiver session", DeliverSmFailedException.NO_RESPONSE);
    }
    try {
      session.deliverShortMessage(
          "",
          tonOf(d.sourceAddr()),
          npiOf(d.sourceAddr()),
          d.sourceAddr(),
          tonOf(d.destAddr()),
          npiOf(d.destAddr()),
          d.destAddr(),
          new ESMClass(d.esmClass()),
          (byte) 0,
          (byte) 0,
          new RegisteredDelivery(0),
          DataCodings.newInstance(d.dataCoding()),
          d.shortMessage(),
          d.params());
      return SMPPConstant.STAT_ESME_ROK;
    } catch (NegativeResponseException e) {
      return e.getCommandStatus();
    } catch (ResponseTimeoutException e) {
      throw new DeliverSmFailedException(
          "no deliver_sm_resp in time", DeliverSmFailedException.NO_RESPONSE);
    } catch (PDUException | InvalidResponseException | IOException e) {
      log.debug("deliver_sm on {} failed: {}", session.getSessionId(), e.toString());
      throw new DeliverSmFailedException(
          "deliver_sm failed: " + e, DeliverSmFailedException.NO_RESPONSE);
    }
  }

  // A phone number is digits; anything else is an alphanumeric sender (Kannel's rule).
  private static TypeOfNumber tonOf(String addr) {
    if (addr.isEmpty()) {
      return TypeOfNumber.UNKNOWN;
    }
    return addr.chars().allMatch(Character::isDigit)
        ? TypeOfNumber.INTERNATIONAL
        : TypeOfNumber.ALPHANUMERIC;
  }

  private static NumberingPlanIndicator npiOf(String addr) {
    return tonOf(addr) == TypeOfNumber.INTERNATIONAL
        ? NumberingPlanIndicator.ISDN
        : NumberingPlanIndicator.UNKNOWN;
  }

  /** deliver_sm_resp counts by command_status, every attempt counted. */
  Map<Integer, Long> responses() {
    Map<Integer, Long> snapshot = new TreeMap<>();
    responses.forEach((status, count) -> snapshot.put(status, count.sum()));
    return snapshot;
  }

  long noResponse() {
    return noResponse.sum();
  }

  long redeliveries() {
    return redeliveries.sum();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
