package dev.switchboard.http.testing;

import dev.switchboard.channels.smpp.MoDecoder;
import dev.switchboard.channels.smpp.MoPart;
import dev.switchboard.channels.smpp.SmppAddress;
import dev.switchboard.testkit.smsc.SmscSimulator;
import dev.switchboard.testkit.smsc.SubmittedMessage;
import java.util.List;
import java.util.function.Supplier;

/**
 * The submits an SMSC simulator accepted, as a {@link ProviderRecord}. The SMSC never sees our
 * message id, and the id it answers is lost with the response when a bind drops, which is just when
 * a message reaches it twice; so a submit is matched to its message by what the SMSC did receive:
 * the destination and the text ({@link Sent#text()}, unique to each of {@link TrafficChecker}'s
 * sends). One attempt is one accepted submit of a whole message, or of the first part of a
 * concatenated one (the text begins with that part); refused submits (throttled, say) reached the
 * SMSC but not the handset, and are not counted. Every message needs one attempt and should end
 * with the status given.
 */
public final class SmscRecord implements ProviderRecord {
  private final Supplier<List<SubmittedMessage>> submitted;
  private final String expectedStatus;

  /** Over any list of submits, a fabricated one in a unit test. */
  public SmscRecord(Supplier<List<SubmittedMessage>> submitted, String expectedStatus) {
    this.submitted = submitted;
    this.expectedStatus = expectedStatus;
  }

  /** Over what {@code smsc} has recorded (live: submits made later count too); all delivered. */
  public static SmscRecord of(SmscSimulator smsc) {
    return new SmscRecord(smsc::submitted, "delivered");
  }

  @Override
  public int attempts(Sent sent) {
    String destination = SmppAddress.destination(sent.to()).address();
    int attempts = 0;
    for (SubmittedMessage m : submitted.get()) {
      if (m.commandStatus() == 0
          && m.messageId() != null
          && m.destAddr().equals(destination)
          && carries(m, sent.text())) {
        attempts++;
      }
    }
    return attempts;
  }

  private static boolean carries(SubmittedMessage m, String text) {
    MoPart part =
        MoDecoder.decode(m.dataCoding(), m.esmClass(), m.shortMessage(), m.messagePayload());
    if (part.concat() == null) {
      return part.text().equals(text);
    }
    return part.concat().seq() == 1 && !part.text().isEmpty() && text.startsWith(part.text());
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
