package dev.switchboard.bench.drive;

/**
 * Recipients for load: many distinct ones (the consumer runs one job per recipient at a time, so a
 * few recipients would measure that lane, not the engine), none ending in the sandbox's failing
 * suffixes {@code 0001} and {@code 0002}.
 */
public final class Recipients {
  public static final int DISTINCT = 100_000;

  private Recipients() {}

  public static String of(long i) {
    return String.format("+44770%06d9", Math.floorMod(i, DISTINCT));
  }
}
