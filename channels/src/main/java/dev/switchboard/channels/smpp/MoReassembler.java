package dev.switchboard.channels.smpp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Puts concatenated mobile-originated messages back together. Parts are keyed by (source,
 * destination, reference, total); a message is complete when every seq from 1 to total is in, in
 * any order (a repeated seq is ignored). A complete message stays held until {@link #release}, so
 * when it could not be recorded and the SMSC sends its last part again, it completes again.
 * Messages older than the configured age are dropped by {@link #expire}. Held in memory only: a
 * crash loses the parts not yet recorded. Thread-safe.
 */
public final class MoReassembler {
  private final Duration maxAge;
  private final Map<Key, Pending> pending = new HashMap<>();

  public MoReassembler(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /** Who sent which concatenated message. */
  public record Key(String source, String destination, int reference, int total) {}

  /** An incomplete message given up on: the parts that had arrived. */
  public record Expired(Key key, int received, Instant firstSeen) {}

  /** A message with every part in. */
  public record Complete(Key key, String text) {}

  /**
   * Adds one part.
   *
   * @return the whole message when every part is in (this one or an earlier), else empty
   */
  public synchronized Optional<Complete> add(
      String source, String destination, MoPart.Concat concat, String text, Instant now) {
    Key key = new Key(source, destination, concat.reference(), concat.total());
    Pending parts = pending.computeIfAbsent(key, k -> new Pending(now));
    parts.texts.putIfAbsent(concat.seq(), text);
    if (parts.texts.size() < concat.total()) {
      return Optional.empty();
    }
    return Optional.of(new Complete(key, String.join("", parts.texts.values())));
  }

  /** Forgets a complete message once it is recorded. */
  public synchronized void release(Key key) {
    pending.remove(key);
  }

  /** Drops and returns the incomplete messages whose first part came more than the max age ago. */
  public synchronized List<Expired> expire(Instant now) {
    List<Expired> expired = new ArrayList<>();
    Instant cutoff = now.minus(maxAge);
    for (Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Pending> entry = it.next();
      if (entry.getValue().firstSeen.isBefore(cutoff)) {
        expired.add(
            new Expired(entry.getKey(), entry.getValue().texts.size(), entry.getValue().firstSeen));
        it.remove();
      }
    }
    return expired;
  }

  /** How many incomplete messages are held. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  private static final class Pending {
    final Instant firstSeen;
    final TreeMap<Integer, String> texts = new TreeMap<>();

    Pending(Instant firstSeen) {
      this.firstSeen = firstSeen;
    }
  }
}
