package dev.switchboard.bench;

import java.io.PrintStream;

/**
 * Runs the benchmark once: {@code java -jar bench/target/switchboard-bench.jar [flags]} from the
 * repository root (see {@link BenchOptions#USAGE}). Prints progress, the table, and the {@code
 * RESULT} line last; exits 1 when a phase failed (the line then says {@code nan} where it must).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    if (java.util.Arrays.asList(args).contains("--help")) {
      out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Report report = new Report(out);
    Cleanup cleanup = new Cleanup();
    Thread interrupted = new Thread(cleanup::runAll, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(interrupted);
    Benchmark benchmark = new Benchmark(options, report, cleanup);
    int exit = 0;
    ResultLine result;
    try {
      result = benchmark.run();
    } catch (Exception e) {
      e.printStackTrace();
      out.println("benchmark failed: " + e);
      result = benchmark.partial();
      exit = 1;
    } finally {
      cleanup.runAll();
      Runtime.getRuntime().removeShutdownHook(interrupted);
    }
    report.printTable();
    out.println(result.format());
    out.flush();
    System.exit(exit);
  }
}
