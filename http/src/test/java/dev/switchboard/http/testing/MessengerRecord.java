package dev.switchboard.http.testing;

import dev.switchboard.testkit.messenger.AcceptedMessage;
import dev.switchboard.testkit.messenger.MessengerStub;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Send API calls a {@link MessengerStub} took, as a {@link ProviderRecord}: a call is matched
 * to its message by recipient and text ({@link Sent#text()} is unique to each of {@link
 * TrafficChecker}'s sends). Calls the stub refused (throttled, failed) reached no one and are not
 * counted. A message expected to fail permanently needs no call taken and should end {@code
 * failed}; every other one needs one and should end {@code delivered}.
 */
public final class MessengerRecord implements ProviderRecord {
  private final Supplier<List<AcceptedMessage>> accepted;
  private final Predicate<Sent> failsPermanently;

  public MessengerRecord(Supplier<List<AcceptedMessage>> accepted, Predicate<Sent> fails) {
    this.accepted = accepted;
    this.failsPermanently = fails;
  }

  /** Over what {@code stub} took (live); every message delivered. */
  public static MessengerRecord of(MessengerStub stub) {
    return new MessengerRecord(stub::accepted, s -> false);
  }

  @Override
  public int attempts(Sent sent) {
    int attempts = 0;
    for (AcceptedMessage m : accepted.get()) {
      if (m.recipient().equals(sent.to()) && m.text().equals(sent.text())) {
        attempts++;
      }
    }
    return attempts;
  }

  @Override
  public int expectedAttempts(Sent sent) {
    return failsPermanently.test(sent) ? 0 : 1;
  }

  @Override
  public String expectedStatus(Sent sent) {
    return failsPermanently.test(sent) ? "failed" : "delivered";
  }
}
