package dev.switchboard.channels.smpp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A message's time to live as an SMPP absolute validity_period, {@code YYMMDDhhmmss000+} in UTC
 * (tenths 0, offset 00 quarter hours, as Kannel writes it).
 */
public final class ValidityPeriod {
  private static final DateTimeFormatter ABSOLUTE =
      DateTimeFormatter.ofPattern("yyMMddHHmmss").withZone(ZoneOffset.UTC);

  private ValidityPeriod() {}

  /** The validity_period for a message created at {@code createdAt}, or null when ttl is 0. */
  public static String of(Instant createdAt, long ttlSeconds) {
    if (ttlSeconds <= 0) {
      return null;
    }
    return ABSOLUTE.format(createdAt.plusSeconds(ttlSeconds)) + "000+";
  }
}
