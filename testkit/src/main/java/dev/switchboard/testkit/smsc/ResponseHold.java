package dev.switchboard.testkit.smsc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Keeps submit_sm_resp back while holding, so a client's window fills; release writes them all, in
 * arrival order or reversed. The flag is read without the lock on the hot path: a response racing
 * {@link #hold()} may still go out, which is what "hold from now on" means.
 */
final class ResponseHold {
  private final Object lock = new Object();
  private final Deque<Held> held = new ArrayDeque<>();
  private volatile boolean holding;

  void hold() {
    holding = true;
  }

  /** Writes it now, or keeps it when holding; afterWrite runs once it went out. */
  void writeOrHold(OutgoingResponse response, Runnable afterWrite) {
    if (holding) {
      synchronized (lock) {
        if (holding) {
          held.add(new Held(response, afterWrite));
          return;
        }
      }
    }
    if (response.write()) {
      afterWrite.run();
    }
  }

  /** Stops holding and writes every held response; returns how many. */
  int release(boolean reverseOrder) {
    List<Held> batch;
    synchronized (lock) {
      holding = false;
      batch = new ArrayList<>(held);
      held.clear();
    }
    if (reverseOrder) {
      Collections.reverse(batch);
    }
    for (Held h : batch) {
      if (h.response().write()) {
        h.afterWrite().run();
      }
    }
    return batch.size();
  }

  int heldCount() {
    synchronized (lock) {
      return held.size();
    }
  }

  private record Held(OutgoingResponse response, Runnable afterWrite) {}
}
