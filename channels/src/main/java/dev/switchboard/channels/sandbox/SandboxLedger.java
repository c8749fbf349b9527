package dev.switchboard.channels.sandbox;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sandbox was asked to send in this JVM, kept only for channels with {@code ledger = on}
 * (tests): how many times each message reached the "provider" (the duplicate count of the delivery
 * contract), and in which order each recipient's messages were taken (the ordering contract).
 */
public final class SandboxLedger {
  private static final ConcurrentMap<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

  private SandboxLedger() {}

  private static final ConcurrentMap<String, List<String>> SENT_TO = new ConcurrentHashMap<>();

  static void recordAttempt(String messageId) {
    ATTEMPTS.computeIfAbsent(messageId, id -> new AtomicInteger()).incrementAndGet();
  }

  static void recordSent(String recipient, String messageId) {
    SENT_TO.computeIfAbsent(recipient, r -> new CopyOnWriteArrayList<>()).add(messageId);
  }

  /** The messages the sandbox took for this recipient, in the order it took them. */
  public static List<String> sentTo(String recipient) {
    return List.copyOf(SENT_TO.getOrDefault(recipient, List.of()));
  }

  /** How many send attempts reached the sandbox for this message. */
  public static int attempts(String messageId) {
    AtomicInteger count = ATTEMPTS.get(messageId);
    return count == null ? 0 : count.get();
  }
}
