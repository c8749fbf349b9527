package dev.switchboard.bench;

import java.util.Locale;

/**
 * The run's machine-readable summary, printed as the last line: {@code RESULT broker_per_s=<n>
 * e2e_per_s=<n> ratio=<e2e/broker> api_p99_ms=<n> drain_ratio=<n> cpu_ms_per_1k=<n> rss_mb=<n>},
 * and in the sms mode {@code kannel_per_s=<n> kannel_cpu_ms_per_1k=<n>} after them. A figure that
 * could not be measured is {@code nan}.
 *
 * @param kannel Kannel's figures in the sms mode, null in the sandbox mode (no Kannel keys)
 */
public record ResultLine(
    double brokerPerSecond,
    double e2ePerSecond,
    double apiP99Millis,
    double drainRatio,
    double cpuMillisPer1k,
    double rssMb,
    Kannel kannel) {

  /** Kannel beside the engine: submit_sm per second at its SMSC, and its CPU per 1,000 of them. */
  public record Kannel(double perSecond, double cpuMillisPer1k) {
    public static final Kannel NOT_MEASURED = new Kannel(Double.NaN, Double.NaN);
  }

  /** The sandbox mode's line: no Kannel keys. */
  public ResultLine(
      double brokerPerSecond,
      double e2ePerSecond,
      double apiP99Millis,
      double drainRatio,
      double cpuMillisPer1k,
      double rssMb) {
    this(brokerPerSecond, e2ePerSecond, apiP99Millis, drainRatio, cpuMillisPer1k, rssMb, null);
  }

  public double ratio() {
    return brokerPerSecond > 0 ? e2ePerSecond / brokerPerSecond : Double.NaN;
  }

  public String format() {
    return "RESULT broker_per_s="
        + whole(brokerPerSecond)
        + " e2e_per_s="
        + whole(e2ePerSecond)
        + " ratio="
        + decimal(ratio(), 2)
        + " api_p99_ms="
        + decimal(apiP99Millis, 1)
        + " drain_ratio="
        + decimal(drainRatio, 2)
        + " cpu_ms_per_1k="
        + whole(cpuMillisPer1k)
        + " rss_mb="
        + whole(rssMb)
        + (kannel == null
            ? ""
            : " kannel_per_s="
                + whole(kannel.perSecond())
                + " kannel_cpu_ms_per_1k="
                + whole(kannel.cpuMillisPer1k()));
  }

  private static String whole(double value) {
    return Double.isFinite(value) ? Long.toString(Math.round(value)) : "nan";
  }

  private static String decimal(double value, int places) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + places + "f", value) : "nan";
  }
}
