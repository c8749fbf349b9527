package dev.switchboard.bench;

import dev.switchboard.bench.drive.DeliveryLatency;
import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.EngineProcess;
import dev.switchboard.bench.drive.OpenLoop;
import dev.switchboard.bench.drive.SendCounter;
import dev.switchboard.bench.measure.LatencyRecorder;
import dev.switchboard.bench.measure.Percentiles;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Latency at a fixed rate below the maximum: single sends, open loop, API latency from each
 * request's due time; then accept-to-sent and accept-to-delivered for a sample of those messages,
 * from the engine's own record of them.
 */
final class LatencyPhase {
  private static final String PHASE = "latency";
  private static final int MAX_OUTSTANDING = 1_000;
  private static final int SAMPLE = 1_000;
  private static final Duration SAMPLE_SETTLE = Duration.ofSeconds(60);

  private final BenchOptions options;
  private final Report report;
  private final EngineProcess engine;
  private final EngineClient client;
  private final Settling settling;

  LatencyPhase(
      BenchOptions options,
      Report report,
      EngineProcess engine,
      EngineClient client,
      Settling settling) {
    this.options = options;
    this.report = report;
    this.engine = engine;
    this.client = client;
    this.settling = settling;
  }

  /**
   * Runs at {@code rate} for the measured duration; returns the API p99 in milliseconds.
   *
   * @param cpuAtMax the engine's CPU per 1k delivered by single sends at maximum throughput
   */
  double run(LongFunction<HttpRequest> requests, double rate, double cpuAtMax) throws Exception {
    SendCounter counter = new SendCounter();
    LatencyRecorder latencies = new LatencyRecorder();
    long sampleEvery = Math.max(1, Math.round(rate * options.duration().toSeconds() / SAMPLE));
    AtomicLong answers = new AtomicLong();
    List<String> sample = Collections.synchronizedList(new ArrayList<>());
    Snapshot a = Snapshot.take(engine, client, counter);
    OpenLoop.Result result =
        OpenLoop.run(
            client.http(),
            requests,
            rate,
            options.duration(),
            MAX_OUTSTANDING,
            counter,
            latencies,
            response -> {
              if (response.statusCode() == 202 && answers.incrementAndGet() % sampleEvery == 0) {
                sample.add(idOf(response));
              }
            });
    Snapshot.Window window = a.to(Snapshot.take(engine, client, counter));
    settling.given(counter.accepted());
    Percentiles api = latencies.percentiles();
    report.rate(
        PHASE,
        "open-loop rate",
        rate,
        (options.rate() > 0 ? "--rate" : "half the single-send max")
            + String.format(
                ", %,d sent, %,d skipped, %d failed",
                result.sent(), result.skipped(), counter.failed()));
    report.add(
        PHASE,
        "API p50 / p95 / p99 / max",
        String.format(
            "%.1f / %.1f / %.1f / %.1f ms",
            api.at(50) / 1e6, api.at(95) / 1e6, api.at(99) / 1e6, api.max() / 1e6),
        "from each request's due time; p99 = api_p99_ms");
    report.add(
        PHASE,
        "engine CPU per 1k delivered",
        Report.whole(window.cpuMillisPer1k()) + " ms",
        String.format(
            "at this rate, %s; %s x the single-send max-rate figure",
            window.busy(), Report.ratio(window.cpuMillisPer1k() / cpuAtMax)));
    settling.await(PHASE);
    delivery(sample);
    return api.at(99) / 1e6;
  }

  private void delivery(List<String> sample) throws Exception {
    DeliveryLatency.Result delivery = DeliveryLatency.measure(client, sample, SAMPLE_SETTLE);
    report.add(
        PHASE,
        "accept->sent p50 / p99",
        delivery.toSent().count() == 0
            ? "n/a"
            : delivery.toSent().at(50) + " / " + delivery.toSent().at(99) + " ms",
        delivery.toSent().count() + " sampled messages");
    report.add(
        PHASE,
        "accept->delivered p50 / p99",
        delivery.toDelivered().count() == 0
            ? "n/a"
            : delivery.toDelivered().at(50) + " / " + delivery.toDelivered().at(99) + " ms",
        (options.sms()
                ? "includes the SMSC simulator's submit_sm_resp and receipt"
                : "includes the sandbox's 100 ms receipt delay")
            + (delivery.notDelivered() > 0
                ? "; " + delivery.notDelivered() + " not delivered"
                : ""));
  }

  private static String idOf(HttpResponse<String> response) {
    String body = response.body();
    int start = body.indexOf("\"id\":\"") + 6;
    return body.substring(start, body.indexOf('"', start));
  }
}
