package dev.switchboard.bench.drive;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import java.io.IOException;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes persistent messages on one channel with pipelined publisher confirms: at most {@code
 * window} unconfirmed at a time, confirms counted as they arrive (the engine's publishing
 * discipline, without the engine). One publishing thread at a time.
 */
public final class ConfirmedPublisher {
  private final Channel channel;
  private final String exchange;
  private final String routingKey;
  private final Semaphore window;
  private final NavigableSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();

  public ConfirmedPublisher(Channel channel, String exchange, String routingKey, int window)
      throws IOException {
    this.channel = channel;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.window = new Semaphore(window);
    channel.confirmSelect();
    channel.addConfirmListener(
        new ConfirmListener() {
          @Override
          public void handleAck(long seq, boolean multiple) {
            settle(seq, multiple, confirmed);
          }

          @Override
          public void handleNack(long seq, boolean multiple) {
            settle(seq, multiple, nacked);
          }
        });
  }

  private void settle(long seq, boolean multiple, AtomicLong counter) {
    int n;
    if (multiple) {
      NavigableSet<Long> settled = unconfirmed.headSet(seq, true);
      n = settled.size();
      settled.clear();
    } else {
      n = unconfirmed.remove(seq) ? 1 : 0;
    }
    counter.addAndGet(n);
    window.release(n);
  }

  /** Publishes once the window has room; fails when no confirm frees it within a minute. */
  public void publish(AMQP.BasicProperties props, byte[] body)
      throws IOException, InterruptedException {
    if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
      throw new IOException("no publisher confirm within 60 s");
    }
    long seq = channel.getNextPublishSeqNo();
    unconfirmed.add(seq);
    channel.basicPublish(exchange, routingKey, false, props, body);
  }

  /** Waits until every publish so far is confirmed or nacked. */
  public void awaitConfirms(long timeoutSeconds) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!unconfirmed.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException(unconfirmed.size() + " publishes still unconfirmed");
      }
      Thread.sleep(10);
    }
  }

  public long confirmed() {
    return confirmed.get();
  }

  public long nacked() {
    return nacked.get();
  }

  public static AMQP.BasicProperties persistent(String contentType, String messageId) {
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType(contentType)
        .messageId(messageId)
        .build();
  }
}
