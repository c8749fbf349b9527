package dev.switchboard.testkit.twilio;

import java.time.Instant;
import java.util.Map;

/**
 * A message the stub created (answered {@code 201}), as it was posted.
 *
 * @param statusCallback the {@code StatusCallback}, or null when none was given
 * @param validityPeriod the {@code ValidityPeriod}, or null when none was given
 * @param params every form parameter, the first value of each
 */
public record AcceptedMessage(
    String sid,
    String to,
    String from,
    String body,
    String statusCallback,
    String validityPeriod,
    Map<String, String> params,
    Instant at) {

  public AcceptedMessage {
    params = Map.copyOf(params);
  }
}
