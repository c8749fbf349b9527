/**
 * Pure helpers that turn raw observations into figures: percentiles of recorded latencies, a
 * process's CPU time and memory from {@code /proc}, metric sums from the Prometheus text format. No
 * I/O beyond reading a {@code /proc} file; depends on nothing else of the benchmark.
 */
package dev.switchboard.bench.measure;
