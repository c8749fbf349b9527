package dev.switchboard.http.testing;

import dev.switchboard.testkit.x.XStub;

/**
 * The DMs the X stub took, as a {@link ProviderRecord}. X never sees our message id, so a DM is
 * matched to its message by recipient and text (unique to each of {@link TrafficChecker}'s sends);
 * refused sends (401, 429, 503) never reached the recipient and are not counted. X sends no
 * delivery receipts: a message ends {@code sent}, once.
 */
public final class XRecord implements ProviderRecord {
  private final XStub x;

  public XRecord(XStub x) {
    this.x = x;
  }

  @Override
  public int attempts(Sent sent) {
    return (int)
        x.accepted().stream()
            .filter(dm -> dm.participantId().equals(sent.to()) && dm.text().equals(sent.text()))
            .count();
  }

  @Override
  public int expectedAttempts(Sent sent) {
    return 1;
  }

  @Override
  public String expectedStatus(Sent sent) {
    return "sent";
  }
}
