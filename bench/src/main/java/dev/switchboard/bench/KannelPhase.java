package dev.switchboard.bench;

import dev.switchboard.bench.drive.ClosedLoop;
import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.KannelProcess;
import dev.switchboard.bench.drive.Recipients;
import dev.switchboard.bench.drive.SendCounter;
import dev.switchboard.bench.drive.Smsc;
import dev.switchboard.bench.measure.ProcStats;
import dev.switchboard.testkit.smsc.SmscSimulator;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The sms mode's last phase, after the engine has stopped: Kannel on the same machine, bound as a
 * transceiver to an SMSC simulator of its own, driven through sendsms at the engine's single-send
 * concurrency for the same warm-up and duration. What it measures: sendsms answers {@code 202} per
 * second, submit_sm at its SMSC per second ({@code kannel_per_s}) and bearerbox's plus smsbox's CPU
 * per 1,000 of those ({@code kannel_cpu_ms_per_1k}).
 */
final class KannelPhase {
  static final String PHASE = "kannel";
  private static final int DISTINCT_REQUESTS = 2_048;
  // SMPP allows passwords of at most 8 characters.
  private static final String SYSTEM_ID = "kannel";
  private static final String PASSWORD = "kannel12";

  private final BenchOptions options;
  private final Report report;
  private final Cleanup cleanup;
  private final String text;
  private ResultLine.Kannel figures = ResultLine.Kannel.NOT_MEASURED;

  KannelPhase(BenchOptions options, Report report, Cleanup cleanup, String text) {
    this.options = options;
    this.report = report;
    this.cleanup = cleanup;
    this.text = text;
  }

  /** Kannel's figures, or {@link ResultLine.Kannel#NOT_MEASURED} when it was skipped. */
  ResultLine.Kannel run() throws Exception {
    if (options.kannel().equals("off")) {
      report.add(PHASE, "skipped", "--kannel=off", null);
      return ResultLine.Kannel.NOT_MEASURED;
    }
    Optional<Path> bin = KannelProcess.find(options.kannelBin());
    if (bin.isEmpty()) {
      report.add(
          PHASE,
          "skipped",
          "no bearerbox and smsbox",
          "not on the PATH, in /usr/sbin or --kannel-bin: apt-get install kannel to compare");
      return ResultLine.Kannel.NOT_MEASURED;
    }
    // Kannel asks for no delivery reports here: its SMSC sends none, so it is not asked to do work
    // that the run throws away.
    SmscSimulator smsc = Smsc.start(SYSTEM_ID, PASSWORD, null);
    cleanup.add("stop Kannel's SMSC simulator", smsc::close);
    KannelProcess kannel =
        KannelProcess.start(
            bin.get(),
            new KannelProcess.Bind(smsc.port(), SYSTEM_ID, PASSWORD, options.smppWindow()));
    cleanup.add("stop Kannel (pids " + kannel.pids() + ")", kannel::close);
    report.add(
        PHASE,
        "started",
        bin.get().toString(),
        "bearerbox and smsbox pids "
            + kannel.pids()
            + ", transceiver to 127.0.0.1:"
            + smsc.port()
            + ", window "
            + options.smppWindow()
            + ", spool store, no DLR; conf and logs in "
            + kannel.dir());
    try (EngineClient http = new EngineClient(kannel.sendsmsBase(), "", 4)) {
      measure(kannel, smsc, http);
    } finally {
      kannel.close();
      smsc.close();
    }
    return figures;
  }

  private void measure(KannelProcess kannel, SmscSimulator smsc, EngineClient http)
      throws Exception {
    HttpRequest[] requests = new HttpRequest[DISTINCT_REQUESTS];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = kannel.sendsms(Recipients.of("sms", i), text);
    }
    LongFunction<HttpRequest> next = n -> requests[(int) (n % requests.length)];
    SendCounter counter = new SendCounter();
    ClosedLoop loop = ClosedLoop.start(http.http(), next, counter, options.concurrency());
    Reading a;
    Reading b;
    try {
      Thread.sleep(options.warmup().toMillis());
      a = Reading.take(kannel, smsc, counter);
      Thread.sleep(options.duration().toMillis());
      b = Reading.take(kannel, smsc, counter);
    } finally {
      loop.stop();
    }
    double seconds = (b.nanos - a.nanos) / 1e9;
    double submitted = b.submitted - a.submitted;
    double perSecond = submitted / seconds;
    double cpuPer1k = submitted > 0 ? (b.cpuMillis - a.cpuMillis) * 1000.0 / submitted : Double.NaN;
    figures = new ResultLine.Kannel(perSecond, cpuPer1k);
    report.rate(
        PHASE,
        "accepted by sendsms",
        (b.accepted - a.accepted) / seconds,
        options.concurrency() + " requests in flight, HTTP 202");
    report.rate(
        PHASE,
        "submit_sm at the SMSC",
        perSecond,
        String.format(
            Locale.ROOT,
            "over %.0f s after %d s warm-up = kannel_per_s",
            seconds,
            options.warmup().toSeconds()));
    report.add(
        PHASE,
        "CPU per 1k submitted",
        Report.whole(cpuPer1k) + " ms",
        String.format(
            Locale.ROOT,
            "bearerbox+smsbox %.2f, load generator %.2f of %.2f busy cores = kannel_cpu_ms_per_1k",
            (b.cpuMillis - a.cpuMillis) / 1000.0 / seconds,
            (b.loadCpuMillis - a.loadCpuMillis) / 1000.0 / seconds,
            (b.machineBusyMillis - a.machineBusyMillis) / 1000.0 / seconds));
    report.add(
        PHASE,
        "accepted / submitted",
        Report.whole(counter.accepted()) + " / " + Report.whole(smsc.submittedCount()),
        "whole phase, warm-up included; the difference is still in Kannel's queue");
    if (counter.failed() > 0) {
      report.add(PHASE, "refused", counter.failed() + " requests", counter.failures().toString());
    }
  }

  /** Kannel's counters at one instant. */
  private record Reading(
      long nanos,
      long accepted,
      long submitted,
      long cpuMillis,
      long loadCpuMillis,
      long machineBusyMillis) {
    static Reading take(KannelProcess kannel, SmscSimulator smsc, SendCounter counter)
        throws IOException {
      long cpu = 0;
      for (long pid : kannel.pids()) {
        cpu += ProcStats.read(pid).cpuMillis();
      }
      return new Reading(
          System.nanoTime(),
          counter.accepted(),
          smsc.submittedCount(),
          cpu,
          ProcStats.read(ProcessHandle.current().pid()).cpuMillis(),
          ProcStats.machineBusyMillis());
    }
  }
}
