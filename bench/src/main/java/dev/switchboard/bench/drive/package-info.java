/**
 * What the benchmark drives: the broker directly (vhosts, the baseline, the backlog), the engine as
 * a process of its own (its fat jar, its HTTP API, its {@code /proc} and {@code /metrics}), and the
 * HTTP load, closed and open loop. Uses the engine's own topology and job codec, nothing else of
 * its code.
 */
package dev.switchboard.bench.drive;
