package dev.switchboard.bench.drive;

/**
 * Recipients for load: many distinct ones (the consumer runs one job per recipient at a time, so a
 * few recipients would measure that lane, not the engine), none ending in the sandbox's failing
 * suffixes {@code 0001} and {@code 0002}. Over SMPP they are E.164 numbers of the UK's drama range
 * ({@code +4477009...}), as an SMSC would take them.
 */
public final class Recipients {
  public static final int DISTINCT = 100_000;

  private Recipients() {}

  public static String of(long i) {
    return String.format("+44770%06d9", Math.floorMod(i, DISTINCT));
  }

  /** Recipient {@code i} of {@code channel}: {@code sms} gets E.164 numbers {@code +4477009...}. */
  public static String of(String channel, long i) {
    return channel.equals("sms")
        ? String.format("+4477009%06d", Math.floorMod(i, DISTINCT))
        : of(i);
  }
}
