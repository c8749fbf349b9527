package dev.switchboard.testkit.smsc;

import java.io.IOException;
import java.io.OutputStream;
import org.jsmpp.PDUStringException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A submit_sm_resp not yet written: what {@link ResponseGate} hands to the simulator. */
final class OutgoingResponse {
  private static final Logger log = LoggerFactory.getLogger(OutgoingResponse.class);

  private final ResponseGate gate;
  private final OutputStream out;
  private final int sequenceNumber;
  private final String messageId;
  private final int commandStatus;

  OutgoingResponse(
      ResponseGate gate,
      OutputStream out,
      int sequenceNumber,
      String messageId,
      int commandStatus) {
    this.gate = gate;
    this.out = out;
    this.sequenceNumber = sequenceNumber;
    this.messageId = messageId;
    this.commandStatus = commandStatus;
  }

  /** The id answered, or null for a refusal. */
  String messageId() {
    return messageId;
  }

  /**
   * Writes it; false when the connection is gone (the client then never sees it, as with a real
   * drop).
   */
  boolean write() {
    try {
      if (messageId != null) {
        gate.writeAccepted(out, sequenceNumber, messageId);
      } else {
        gate.writeRefused(out, sequenceNumber, commandStatus);
      }
      return true;
    } catch (IOException | PDUStringException e) {
      log.debug("submit_sm_resp seq {} not written: {}", sequenceNumber, e.toString());
      return false;
    }
  }
}
