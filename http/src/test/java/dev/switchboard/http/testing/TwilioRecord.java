package dev.switchboard.http.testing;

import dev.switchboard.testkit.twilio.AcceptedMessage;
import dev.switchboard.testkit.twilio.TwilioStub;
import java.util.List;
import java.util.function.Supplier;

/**
 * The messages a {@link TwilioStub} created ({@code 201}), as a {@link ProviderRecord}. Twilio
 * never sees our message id, so a message is matched by what Twilio did receive: the recipient and
 * the text ({@link Sent#text()}, unique to each of {@link TrafficChecker}'s sends). Refused
 * requests (throttled, a 500) created nothing and are not counted. Every message needs one attempt
 * and should end with the status given.
 */
public final class TwilioRecord implements ProviderRecord {
  private final Supplier<List<AcceptedMessage>> accepted;
  private final String expectedStatus;

  public TwilioRecord(Supplier<List<AcceptedMessage>> accepted, String expectedStatus) {
    this.accepted = accepted;
    this.expectedStatus = expectedStatus;
  }

  /** Over what {@code stub} has created (live: later ones count too); all delivered. */
  public static TwilioRecord of(TwilioStub stub) {
    return new TwilioRecord(stub::accepted, "delivered");
  }

  @Override
  public int attempts(Sent sent) {
    return (int)
        accepted.get().stream()
            .filter(m -> m.to().equals(sent.to()) && sent.text().equals(m.body()))
            .count();
  }

  @Override
  public int expectedAttempts(Sent sent) {
    return 1;
  }

  @Override
  public String expectedStatus(Sent sent) {
    return expectedStatus;
  }
}
