package dev.switchboard.engine.broker;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps messages to one recipient in order: one job per recipient runs at a time, the others wait
 * behind it in the order the broker delivered them, while jobs for other recipients run freely.
 * Confined to the consumer actor that owns it.
 */
final class RecipientLanes<J> {
  private final Map<String, ArrayDeque<J>> waiting = new HashMap<>();

  /**
   * Admits a job.
   *
   * @return true when it may run now; false when it waits behind a running job for its recipient
   */
  boolean admit(String recipient, J job) {
    ArrayDeque<J> lane = waiting.get(recipient);
    if (lane == null) {
      waiting.put(recipient, new ArrayDeque<>());
      return true;
    }
    lane.add(job);
    return false;
  }

  /** The running job for {@code recipient} is done: the next one to run, if one waits. */
  Optional<J> finished(String recipient) {
    ArrayDeque<J> lane = waiting.get(recipient);
    if (lane == null) {
      return Optional.empty();
    }
    J next = lane.poll();
    if (next == null) {
      waiting.remove(recipient);
    }
    return Optional.ofNullable(next);
  }

  /** Recipients with a running job. */
  int running() {
    return waiting.size();
  }
}
