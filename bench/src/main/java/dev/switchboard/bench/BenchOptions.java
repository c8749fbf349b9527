package dev.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's flags, {@code --name=value} or {@code --name value}; every one has a default that
 * keeps a whole run under ten minutes on a 2-core machine.
 */
public record BenchOptions(
    Duration engineWarmup,
    Duration warmup,
    Duration duration,
    double rate,
    int concurrency,
    int batchSize,
    int batchConcurrency,
    int messageSize,
    long backlog,
    int prefetch,
    int confirmWindow,
    String db,
    Path engineJar,
    String amqpUri,
    String amqpUser,
    String postgresUrl,
    String postgresUser,
    String engineHeap,
    List<String> engineJvmOptions,
    String channel,
    int smppWindow,
    int smppTps,
    String kannel,
    Path kannelBin) {

  static final String USAGE =
      """
      java -jar bench/target/switchboard-bench.jar [--flag=value ...]
        --engine-warmup=90s   traffic to the fresh engine before any measured phase, half
                              batches, half singles (JIT compiling); 0 measures a cold engine
        --duration=20s        measured time of each load phase (after its warm-up)
        --warmup=10s          warm-up before each maximum-throughput phase
        --rate=0              open-loop rate of the latency phase, msg/s (0: half the measured max)
        --concurrency=64      single sends in flight in the maximum-throughput phase
        --batch-size=50       messages per batch request (1..100)
        --batch-concurrency=8 batch requests in flight
        --message-size=160    characters of text per message (sandbox: up to 1600)
        --backlog=200000      jobs queued while the engine's consumers are paused (0: no drain)
        --prefetch=200        consumer prefetch of the baseline and the engine
        --confirm-window=500  unconfirmed publishes in flight (baseline and backlog fill)
        --db=h2               the engine's journal: h2 (a temp dir) or postgres
        --postgres-url=jdbc:postgresql://127.0.0.1:5432/test  server on which a database is made
        --postgres-user=postgres
        --amqp-uri=amqp://guest:guest@127.0.0.1:5672  broker, without vhost (one is made per run)
        --amqp-user=guest     the user given permissions on the run's vhosts
        --engine-jar=http/target/switchboard.jar
        --engine-heap=512m    the engine's -Xmx
        --engine-jvm-opt=...  an extra JVM option for the engine (repeatable), e.g.
                              -XX:StartFlightRecording=filename=engine.jfr,settings=profile
        --channel=sandbox     sandbox, or sms: the engine sends over SMPP to an SMSC simulator
        --smpp-window=50      sms: submit_sm in flight per bind (the engine's and Kannel's)
        --smpp-tps=100000     sms: the engine's SMPP rate limit (it refuses 0; this is no limit)
        --kannel=auto         sms: auto runs Kannel beside the engine when bearerbox and smsbox
                              are found, off skips it
        --kannel-bin=         sms: the directory of bearerbox and smsbox (default: the PATH,
                              then /usr/sbin)
      """;

  private static final Set<String> REPEATABLE = Set.of("engine-jvm-opt");

  public static BenchOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    List<String> jvmOptions = new ArrayList<>();
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("not a flag: " + arg);
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = rest.remove(0);
      }
      if (REPEATABLE.contains(name)) {
        jvmOptions.add(value);
      } else {
        values.put(name, value);
      }
    }
    Flags flags = new Flags(values);
    BenchOptions options =
        new BenchOptions(
            flags.duration("engine-warmup", "90s"),
            flags.duration("warmup", "10s"),
            flags.duration("duration", "20s"),
            flags.number("rate", "0"),
            (int) flags.number("concurrency", "64"),
            (int) flags.number("batch-size", "50"),
            (int) flags.number("batch-concurrency", "8"),
            (int) flags.number("message-size", "160"),
            (long) flags.number("backlog", "200000"),
            (int) flags.number("prefetch", "200"),
            (int) flags.number("confirm-window", "500"),
            flags.text("db", "h2"),
            Path.of(flags.text("engine-jar", "http/target/switchboard.jar")),
            flags.text("amqp-uri", "amqp://guest:guest@127.0.0.1:5672"),
            flags.text("amqp-user", "guest"),
            flags.text("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test"),
            flags.text("postgres-user", "postgres"),
            flags.text("engine-heap", "512m"),
            List.copyOf(jvmOptions),
            flags.text("channel", "sandbox"),
            (int) flags.number("smpp-window", "50"),
            (int) flags.number("smpp-tps", "100000"),
            flags.text("kannel", "auto"),
            Path.of(flags.text("kannel-bin", "")));
    flags.rejectUnknown();
    options.check();
    return options;
  }

  private void check() {
    require(batchSize >= 1 && batchSize <= 100, "--batch-size must be 1..100");
    require(concurrency >= 1 && batchConcurrency >= 1, "concurrency must be at least 1");
    require(messageSize >= 1 && messageSize <= 1600, "--message-size must be 1..1600");
    require(backlog >= 0 && rate >= 0, "--backlog and --rate must not be negative");
    require(!duration.isZero() && !duration.isNegative(), "--duration must be positive");
    require(!engineWarmup.isNegative(), "--engine-warmup must not be negative");
    require(db.equals("h2") || db.equals("postgres"), "--db must be h2 or postgres");
    require(channel.equals("sandbox") || channel.equals("sms"), "--channel must be sandbox or sms");
    require(smppWindow >= 1 && smppTps >= 1, "--smpp-window and --smpp-tps must be at least 1");
    require(kannel.equals("auto") || kannel.equals("off"), "--kannel must be auto or off");
    // The engine refuses publishes beyond switchboard.broker.max-unconfirmed (1000 by default).
    require(
        concurrency <= 1000 && batchSize * batchConcurrency <= 1000,
        "more than 1000 messages in flight would exceed the engine's max-unconfirmed");
  }

  /** Whether the load goes over SMPP to a simulated SMSC. */
  public boolean sms() {
    return channel.equals("sms");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The flags as given, each read once; whatever is left over was misspelt. */
  private static final class Flags {
    private final Map<String, String> values;

    Flags(Map<String, String> values) {
      this.values = new HashMap<>(values);
    }

    String text(String name, String fallback) {
      String value = values.remove(name);
      return value == null ? fallback : value;
    }

    double number(String name, String fallback) {
      String value = text(name, fallback);
      try {
        return Double.parseDouble(value.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be a number: " + value);
      }
    }

    Duration duration(String name, String fallback) {
      String value = text(name, fallback).trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (value.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("m")) {
          return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("s")) {
          value = value.substring(0, value.length() - 1);
        }
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be a duration (30s, 2m): " + value);
      }
    }

    void rejectUnknown() {
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown flags: " + values.keySet());
      }
    }
  }
}
