package dev.switchboard.bench;

import dev.switchboard.bench.drive.Backlog;
import dev.switchboard.bench.drive.BrokerBaseline;
import dev.switchboard.bench.drive.ClosedLoop;
import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.EngineMonitor;
import dev.switchboard.bench.drive.EngineProcess;
import dev.switchboard.bench.drive.PostgresDatabase;
import dev.switchboard.bench.drive.Rabbitmqctl;
import dev.switchboard.bench.drive.SendCounter;
import dev.switchboard.bench.drive.Smsc;
import dev.switchboard.bench.measure.ProcStats;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.testkit.smsc.SmscSimulator;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * One run, in the order that keeps each phase honest: the bare broker first (no engine running),
 * then an unmeasured warm-up of the fresh engine, then its maximum throughput (single sends, then
 * batches), then latency at a fixed rate below that maximum, then a backlog queued while the
 * engine's consumers are paused and its drain, on an engine as warm as in the other phases. The
 * engine's CPU time is read at the edges of every measured window.
 */
final class Benchmark {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration IDLE = Duration.ofSeconds(10);
  // SMPP allows passwords of at most 8 characters.
  private static final String ENGINE_SYSTEM_ID = "engine";
  private static final String ENGINE_PASSWORD = "bench123";

  private final BenchOptions options;
  private final Report report;
  private final Cleanup cleanup;
  private final String text;

  private double brokerPerSecond = Double.NaN;
  private double e2ePerSecond = Double.NaN;
  private double apiP99Millis = Double.NaN;
  private double drainPerSecond = Double.NaN;
  private double cpuMillisPer1k = Double.NaN;
  private double rssMb = Double.NaN;
  private String e2eMode = "none";
  private String vhost;
  // The sms mode's SMSC for the engine's bind; null in the sandbox mode.
  private SmscSimulator smsc;
  private ResultLine.Kannel kannel = ResultLine.Kannel.NOT_MEASURED;

  Benchmark(BenchOptions options, Report report, Cleanup cleanup) {
    this.options = options;
    this.report = report;
    this.cleanup = cleanup;
    this.text = Workload.text(options.messageSize());
  }

  ResultLine run() throws Exception {
    if (!Files.isRegularFile(options.engineJar())) {
      throw new IllegalStateException(
          "no engine jar at "
              + options.engineJar()
              + ": build it first (mvn -B -q package -DskipTests)");
    }
    report.add("machine", "host", Machine.describe(), null);
    report.add(
        "machine",
        "message",
        options.messageSize() + " chars",
        MessageCodec.encode(Backlog.job(options.channel(), 0, text)).length
            + " bytes as a broker job");
    baseline();
    vhost = Rabbitmqctl.freshVhost("bench-engine", options.amqpUser());
    cleanup.add("delete vhost " + vhost, () -> Rabbitmqctl.deleteVhost(vhost));
    Path dataDir = Files.createTempDirectory("switchboard-bench");
    cleanup.add("delete " + dataDir, () -> deleteTree(dataDir));
    PostgresDatabase postgres = null;
    if (options.db().equals("postgres")) {
      postgres = PostgresDatabase.create(options.postgresUrl(), options.postgresUser());
      cleanup.add("drop database " + postgres.url(), postgres::close);
    }
    String smppUri = "";
    if (options.sms()) {
      smsc = Smsc.start(ENGINE_SYSTEM_ID, ENGINE_PASSWORD, "DELIVRD");
      cleanup.add("stop the SMSC simulator", smsc::close);
      smppUri =
          String.format(
              "smpp://%s:%s@127.0.0.1:%d?source=Bench&window=%d&tps=%d",
              ENGINE_SYSTEM_ID,
              ENGINE_PASSWORD,
              smsc.port(),
              options.smppWindow(),
              options.smppTps());
      report.add(
          "smsc",
          "simulator",
          "127.0.0.1:" + smsc.port(),
          "in the benchmark's JVM (its CPU counts as the load generator's), receipts DELIVRD");
    }
    runEngine(options.amqpUri() + "/" + vhost, dataDir, postgres, smppUri);
    if (options.sms()) {
      kannel = new KannelPhase(options, report, cleanup, text).run();
    }
    return partial();
  }

  /** The summary of what has been measured so far; {@code nan} for the rest. */
  ResultLine partial() {
    return new ResultLine(
        brokerPerSecond,
        e2ePerSecond,
        apiP99Millis,
        drainPerSecond / e2ePerSecond,
        cpuMillisPer1k,
        rssMb,
        options.sms() ? kannel : null);
  }

  private void baseline() throws Exception {
    String vhost = Rabbitmqctl.freshVhost("bench-broker", options.amqpUser());
    cleanup.add("delete vhost " + vhost, () -> Rabbitmqctl.deleteVhost(vhost));
    try {
      BrokerBaseline.Result result =
          BrokerBaseline.run(
              options.amqpUri() + "/" + vhost,
              MessageCodec.encode(Backlog.job(options.channel(), 0, text)),
              options.confirmWindow(),
              options.prefetch(),
              options.warmup(),
              options.duration());
      brokerPerSecond = result.consumedPerSecond();
      report.rate(
          "broker",
          "published+confirmed",
          result.publishedPerSecond(),
          "window " + options.confirmWindow() + ", persistent, quorum queue");
      report.rate(
          "broker",
          "consumed+acked",
          result.consumedPerSecond(),
          String.format(
              "prefetch %d, concurrent with publishing = broker_per_s; machine %.2f busy cores",
              options.prefetch(), result.machineCores()));
    } finally {
      cleanup.runAll();
    }
  }

  private void runEngine(String amqpUri, Path dataDir, PostgresDatabase postgres, String smppUri)
      throws Exception {
    List<String> jvm = new ArrayList<>(options.engineJvmOptions());
    jvm.add("-Dswitchboard.broker.prefetch=" + options.prefetch());
    EngineProcess.Spec spec =
        new EngineProcess.Spec(
            options.engineJar(),
            dataDir,
            amqpUri,
            postgres == null ? "" : postgres.url(),
            postgres == null ? "" : postgres.user(),
            options.engineHeap(),
            jvm,
            options.channel(),
            smppUri);
    EngineProcess engine = EngineProcess.start(spec);
    cleanup.add("stop the engine (pid " + engine.pid() + ")", engine::close);
    try {
      measure(engine);
    } finally {
      // Whatever runs next (Kannel) has the machine to itself.
      engine.close();
    }
  }

  private void measure(EngineProcess engine) throws Exception {
    String amqpUri = options.amqpUri() + "/" + vhost;
    try (EngineClient client =
        new EngineClient(engine.base(), engine.management(), engine.apiKey(), 4)) {
      Settling settling = new Settling(engine, client, report);
      long started = System.nanoTime();
      engine.awaitReady(client, READY_TIMEOUT);
      report.add(
          "engine",
          "ready",
          String.format("%.1f s", (System.nanoTime() - started) / 1e9),
          "pid " + engine.pid() + ", -Xmx" + options.engineHeap() + ", journal " + options.db());
      report.add("engine", "log", engine.log().toString(), "kept after the run");
      try (EngineMonitor monitor = new EngineMonitor(engine, client)) {
        try {
          loadPhases(engine, client, settling, amqpUri);
        } finally {
          // Memory is read from /proc, so it is reported even when the engine stopped answering.
          cost(engine, monitor);
          crossCheck(client);
        }
      }
    }
  }

  // The SMSC's own count of submit_sm against the engine's delivered counter: a receipt the
  // engine counted twice, or a submit it never heard back about, shows as a difference.
  private void crossCheck(EngineClient client) {
    if (smsc == null) {
      return;
    }
    String delivered;
    try {
      delivered =
          Report.whole(client.metric(Snapshot.MESSAGES, "channel=\"sms\"", "status=\"delivered\""));
    } catch (IOException e) {
      delivered = "n/a (" + e.getMessage() + ")";
    }
    report.add(
        "smsc",
        "submit_sm received / delivered",
        Report.whole(smsc.submittedCount()) + " / " + delivered,
        "the simulator's count of the engine's bind / the engine's delivered counter, whole run");
  }

  private void loadPhases(
      EngineProcess engine, EngineClient client, Settling settling, String amqpUri)
      throws Exception {
    if (!options.engineWarmup().isZero()) {
      warmUp(engine, client, settling);
    }
    Snapshot.Window single =
        maxThroughput(
            engine,
            client,
            settling,
            "single",
            Workload.singles(client, options.channel(), text),
            options.concurrency());
    best(single, "single");
    Snapshot.Window batch =
        maxThroughput(
            engine,
            client,
            settling,
            "batch",
            Workload.batches(client, options.channel(), text, options.batchSize()),
            options.batchConcurrency());
    best(batch, "batch");
    report.rate("e2e", "delivered, best mode", e2ePerSecond, e2eMode + " = e2e_per_s");
    double rate =
        options.rate() > 0
            ? options.rate()
            : 0.5 * Math.min(single.acceptedPerSecond(), single.deliveredPerSecond());
    // The latency phase sends singles: its cost per message is compared with singles at full rate
    // (a batch spreads one request over many messages, which is no matter of rate).
    apiP99Millis =
        new LatencyPhase(options, report, engine, client, settling)
            .run(Workload.singles(client, options.channel(), text), rate, single.cpuMillisPer1k());
    idle(engine, client);
    if (options.backlog() > 0) {
      backlog(engine, client, settling, amqpUri);
    }
  }

  // The incident's backlog: work piles up while nothing consumes it, then consumers come back. The
  // consumers are paused at the broker (no read permission on their queue), so the engine that
  // drains the backlog is the one measured in every other phase, JIT-compiled as far as they got.
  private void backlog(EngineProcess engine, EngineClient client, Settling settling, String amqpUri)
      throws Exception {
    String queue = Backlog.queue(options.channel());
    Rabbitmqctl.pauseConsuming(vhost, options.amqpUser(), queue);
    Backlog.Filled filled;
    try {
      filled =
          Backlog.fill(
              amqpUri, options.channel(), options.backlog(), text, options.confirmWindow());
    } finally {
      Rabbitmqctl.resumeConsuming(vhost, options.amqpUser());
    }
    report.rate(
        "backlog",
        "queued, consumers paused",
        filled.messages() / filled.seconds(),
        String.format("%,d jobs in %.1f s", filled.messages(), filled.seconds()));
    settling.given(filled.messages());
    drain(engine, client, settling, filled.messages());
  }

  // A fresh JVM spends its first minutes compiling (on 2 cores the C2 compiler alone takes about a
  // quarter of the machine): the measured phases are of an engine past that, as in production,
  // and what the warm-up delivered and cost is reported, not hidden.
  private void warmUp(EngineProcess engine, EngineClient client, Settling settling)
      throws Exception {
    SendCounter counter = new SendCounter();
    Snapshot a = Snapshot.take(engine, client, counter);
    Duration half = options.engineWarmup().dividedBy(2);
    drive(
        client,
        Workload.batches(client, options.channel(), text, options.batchSize()),
        counter,
        options.batchConcurrency(),
        half);
    drive(
        client,
        Workload.singles(client, options.channel(), text),
        counter,
        options.concurrency(),
        half);
    Snapshot.Window window = a.to(Snapshot.take(engine, client, counter));
    settling.given(counter.accepted());
    report.rate(
        "warm-up",
        "delivered, not measured",
        window.deliveredPerSecond(),
        String.format(
            "%d s from the engine's start, half batches, half singles; engine CPU per 1k %s ms, %s",
            options.engineWarmup().toSeconds(),
            Report.whole(window.cpuMillisPer1k()),
            window.busy()));
    settling.await("warm-up");
  }

  private static void drive(
      EngineClient client,
      LongFunction<HttpRequest> requests,
      SendCounter counter,
      int inFlight,
      Duration time)
      throws InterruptedException {
    ClosedLoop loop = ClosedLoop.start(client.http(), requests, counter, inFlight);
    try {
      Thread.sleep(time.toMillis());
    } finally {
      loop.stop();
    }
  }

  // The engine's CPU with no traffic at all: the fixed part of what a message costs at low rates.
  private void idle(EngineProcess engine, EngineClient client) throws Exception {
    Snapshot a = Snapshot.take(engine, client, null);
    Thread.sleep(IDLE.toMillis());
    Snapshot.Window window = a.to(Snapshot.take(engine, client, null));
    report.add(
        "idle",
        "engine CPU with no traffic",
        String.format("%.0f ms/s", window.cpuMillis() / window.seconds()),
        window.busy() + ", over " + IDLE.toSeconds() + " s after the last phase settled");
  }

  // e2e_per_s is the better of the two modes; its window's CPU cost is cpu_ms_per_1k.
  private void best(Snapshot.Window window, String mode) {
    if (!(window.deliveredPerSecond() <= e2ePerSecond)) {
      e2ePerSecond = window.deliveredPerSecond();
      cpuMillisPer1k = window.cpuMillisPer1k();
      e2eMode = mode;
    }
  }

  private void drain(EngineProcess engine, EngineClient client, Settling settling, long n)
      throws Exception {
    Snapshot start = Snapshot.take(engine, client, null);
    double before = start.settled();
    long[] reached = new long[3];
    double[] marks = {before + 0.1 * n, before + 0.5 * n, before + 0.9 * n};
    Snapshot now = start;
    long deadline = start.nanos() + DRAIN_TIMEOUT.toNanos();
    Settling.Progress progress = settling.progress(start);
    while (now.settled() < before + n && System.nanoTime() < deadline && !progress.stalled(now)) {
      Thread.sleep(500);
      now = Snapshot.take(engine, client, null);
      for (int i = 0; i < marks.length; i++) {
        if (reached[i] == 0 && now.settled() >= marks[i]) {
          reached[i] = now.nanos();
        }
      }
    }
    // The window ends with the last progress: a stall is reported, not averaged in.
    Snapshot.Window whole = start.to(progress.last());
    boolean done = now.settled() >= before + n;
    report.rate(
        "drain",
        "whole backlog, from resume",
        whole.deliveredPerSecond(),
        String.format(
            "%,.0f of %,d delivered in %.1f s%s",
            now.settled() - before,
            n,
            whole.seconds(),
            done ? "" : ": NOT DRAINED, " + progress.why(now)));
    settling.settledAt(now);
    if (reached[2] > 0) {
      drainPerSecond = 0.8 * n / ((reached[2] - reached[0]) / 1e9);
      report.rate("drain", "sustained, 10%..90%", drainPerSecond, "the drain rate of drain_ratio");
      report.rate(
          "drain",
          "first half, 10%..50%",
          0.4 * n / ((reached[1] - reached[0]) / 1e9),
          "backlog large");
      report.rate(
          "drain",
          "second half, 50%..90%",
          0.4 * n / ((reached[2] - reached[1]) / 1e9),
          "backlog small");
    } else {
      drainPerSecond = whole.deliveredPerSecond();
    }
    report.add(
        "drain",
        "engine CPU per 1k delivered",
        Report.whole(whole.cpuMillisPer1k()) + " ms",
        whole.busy());
  }

  private Snapshot.Window maxThroughput(
      EngineProcess engine,
      EngineClient client,
      Settling settling,
      String mode,
      LongFunction<HttpRequest> requests,
      int inFlight)
      throws Exception {
    SendCounter counter = new SendCounter();
    Snapshot.Window window;
    long submitted;
    ClosedLoop loop = ClosedLoop.start(client.http(), requests, counter, inFlight);
    try {
      Thread.sleep(options.warmup().toMillis());
      long submittedBefore = submittedCount();
      Snapshot a = Snapshot.take(engine, client, counter);
      Thread.sleep(options.duration().toMillis());
      window = a.to(Snapshot.take(engine, client, counter));
      submitted = submittedCount() - submittedBefore;
    } finally {
      loop.stop();
    }
    settling.given(counter.accepted());
    String phase = "e2e " + mode;
    String shape =
        mode.equals("batch")
            ? inFlight + " batches of " + options.batchSize() + " in flight"
            : inFlight + " requests in flight";
    report.rate(phase, "accepted by the API", window.acceptedPerSecond(), shape);
    report.rate(
        phase,
        "delivered (terminal)",
        window.deliveredPerSecond(),
        String.format(
            "over %.0f s after %d s warm-up", window.seconds(), options.warmup().toSeconds()));
    if (smsc != null) {
      report.rate(
          phase,
          "submit_sm at the SMSC",
          submitted / window.seconds(),
          "the simulator's count over the same window, beside delivered");
    }
    report.add(
        phase,
        "engine CPU per 1k delivered",
        Report.whole(window.cpuMillisPer1k()) + " ms",
        window.busy());
    if (counter.failed() > 0 || counter.refusedItems() > 0) {
      report.add(
          phase,
          "refused",
          counter.failed() + " requests, " + counter.refusedItems() + " items",
          counter.failures().toString());
    }
    settling.await(phase);
    return window;
  }

  private long submittedCount() {
    return smsc == null ? 0 : smsc.submittedCount();
  }

  private void cost(EngineProcess engine, EngineMonitor monitor) throws IOException {
    long peakKb = Math.max(monitor.peakRssKb(), ProcStats.read(engine.pid()).peakRssKb());
    rssMb = peakKb / 1024.0;
    report.add("cost", "engine peak RSS", Report.whole(rssMb) + " MB", "VmHWM = rss_mb");
    report.add(
        "cost",
        "engine peak heap used",
        Report.whole(monitor.peakHeapBytes() / 1024.0 / 1024.0) + " MB",
        "sampled every 2 s, -Xmx" + options.engineHeap());
    report.add(
        "cost",
        "engine CPU per 1k delivered",
        Report.whole(cpuMillisPer1k) + " ms",
        "at e2e_per_s = cpu_ms_per_1k");
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
