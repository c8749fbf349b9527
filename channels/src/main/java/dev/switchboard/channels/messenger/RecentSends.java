package dev.switchboard.channels.messenger;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sends this instance made since it started, by recipient, so that an event naming a time and
 * not a message (a read's watermark, a delivery without mids) finds the messages it covers. Bounded
 * by count: the oldest send is forgotten first. A send counts as before a watermark when Meta
 * answered it by then (our clock): a message whose answer came later is left for the next read
 * rather than marked read too early. Thread-safe.
 */
final class RecentSends {
  private record Send(String recipient, String mid, long answeredMillis) {}

  private final int capacity;
  private final Deque<Send> oldestFirst = new ArrayDeque<>();
  private final Map<String, Deque<Send>> byRecipient = new HashMap<>();

  RecentSends(int capacity) {
    this.capacity = capacity;
  }

  synchronized void sent(String recipient, String mid, Instant answeredAt) {
    if (capacity == 0) {
      return;
    }
    Send send = new Send(recipient, mid, answeredAt.toEpochMilli());
    oldestFirst.addLast(send);
    byRecipient.computeIfAbsent(recipient, r -> new ArrayDeque<>()).addLast(send);
    while (oldestFirst.size() > capacity) {
      Send evicted = oldestFirst.pollFirst();
      Deque<Send> sends = byRecipient.get(evicted.recipient());
      // Forgetting removes each recipient's oldest sends first, so an evicted send still known is
      // its recipient's oldest.
      if (sends != null && sends.peekFirst() == evicted) {
        sends.pollFirst();
        if (sends.isEmpty()) {
          byRecipient.remove(evicted.recipient());
        }
      }
    }
  }

  /** The mids of the sends to {@code recipient} answered at or before {@code watermarkMillis}. */
  synchronized List<String> sentBy(String recipient, long watermarkMillis) {
    List<String> mids = new ArrayList<>();
    for (Send send : byRecipient.getOrDefault(recipient, new ArrayDeque<>())) {
      if (send.answeredMillis() > watermarkMillis) {
        break;
      }
      mids.add(send.mid());
    }
    return mids;
  }

  /** Forgets the sends to {@code recipient} answered at or before {@code watermarkMillis}. */
  synchronized void forget(String recipient, long watermarkMillis) {
    Deque<Send> sends = byRecipient.get(recipient);
    if (sends == null) {
      return;
    }
    while (!sends.isEmpty() && sends.peekFirst().answeredMillis() <= watermarkMillis) {
      sends.pollFirst();
    }
    if (sends.isEmpty()) {
      byRecipient.remove(recipient);
    }
  }

  /** How many sends are remembered, for tests. */
  synchronized int size() {
    return byRecipient.values().stream().mapToInt(Deque::size).sum();
  }
}
