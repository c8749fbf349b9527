package dev.switchboard.bench;

import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.EngineProcess;
import dev.switchboard.bench.drive.SendCounter;
import dev.switchboard.bench.measure.ProcStats;
import dev.switchboard.bench.measure.PromText;
import java.io.IOException;

/**
 * The engine's counters at one instant: what the load generator saw accepted, what the engine
 * reports delivered and failed, and the CPU time it has used. Two snapshots make a window.
 */
record Snapshot(
    long nanos,
    long accepted,
    double delivered,
    double failed,
    long cpuMillis,
    long loadCpuMillis,
    long machineBusyMillis) {
  static final String MESSAGES = "switchboard_messages_total";

  static Snapshot take(EngineProcess engine, EngineClient client, SendCounter counter)
      throws IOException {
    String metrics = client.metrics();
    String channel = "channel=\"" + engine.channel() + "\"";
    return new Snapshot(
        System.nanoTime(),
        counter == null ? 0 : counter.accepted(),
        PromText.sum(metrics, MESSAGES, channel, "status=\"delivered\""),
        PromText.sum(metrics, MESSAGES, channel, "status=\"failed\""),
        ProcStats.read(engine.pid()).cpuMillis(),
        ProcStats.read(ProcessHandle.current().pid()).cpuMillis(),
        ProcStats.machineBusyMillis());
  }

  /** Messages that reached an end (delivered or failed). */
  double settled() {
    return delivered + failed;
  }

  /** The window from {@code this} to {@code later}. */
  Window to(Snapshot later) {
    double seconds = (later.nanos - nanos) / 1e9;
    return new Window(
        seconds,
        (later.accepted - accepted) / seconds,
        (later.delivered - delivered) / seconds,
        later.delivered - delivered,
        later.cpuMillis - cpuMillis,
        later.loadCpuMillis - loadCpuMillis,
        later.machineBusyMillis - machineBusyMillis);
  }

  /** Rates over a window and the engine's CPU time spent in it. */
  record Window(
      double seconds,
      double acceptedPerSecond,
      double deliveredPerSecond,
      double delivered,
      long cpuMillis,
      long loadCpuMillis,
      long machineBusyMillis) {
    double cpuMillisPer1k() {
      return delivered > 0 ? cpuMillis * 1000.0 / delivered : Double.NaN;
    }

    /** Cores the engine kept busy on average. */
    double cores() {
      return cpuMillis / 1000.0 / seconds;
    }

    /** Cores the whole machine kept busy: the engine, the broker, the load generator, others. */
    double machineCores() {
      return machineBusyMillis / 1000.0 / seconds;
    }

    /** "engine 1.34, load generator 0.30 of 1.95 busy cores": the rest is the broker and others. */
    String busy() {
      return String.format(
          java.util.Locale.ROOT,
          "engine %.2f, load generator %.2f of %.2f busy cores",
          cores(),
          loadCpuMillis / 1000.0 / seconds,
          machineCores());
    }
  }
}
