package dev.switchboard.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a run leaves behind (the engine process, vhosts, a database, a data directory), undone in
 * reverse order exactly once: at the end of the run, or from a shutdown hook when the run is
 * interrupted (Ctrl-C), so an interrupted benchmark leaves no engine running and no vhost behind.
 */
final class Cleanup {
  /** One step; may throw, which is reported and does not stop the others. */
  interface Step {
    void run() throws Exception;
  }

  private record Named(String what, Step step) {}

  private final Deque<Named> steps = new ArrayDeque<>();

  synchronized void add(String what, Step step) {
    steps.push(new Named(what, step));
  }

  /** Runs every step not yet run, the last added first. */
  synchronized void runAll() {
    while (!steps.isEmpty()) {
      Named named = steps.pop();
      try {
        named.step().run();
      } catch (Exception e) {
        System.err.println("cleanup: could not " + named.what() + ": " + e.getMessage());
      }
    }
  }
}
