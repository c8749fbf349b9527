package dev.switchboard.testkit.smsc;

import java.time.Instant;

/**
 * One submit_sm as the simulator received it, in arrival order. The byte arrays are copies, and the
 * accessors hand out copies again, so a test can never change what was recorded. Equality is the
 * record default (arrays by identity): compare fields, not records.
 *
 * @param sessionId jsmpp's id of the server session it arrived on
 * @param systemId the system_id that session bound with
 * @param messageId the id answered in submit_sm_resp; null when the submit was refused
 * @param commandStatus the command_status answered (0 = accepted)
 * @param messagePayload the message_payload TLV (0x0424), or null when absent
 */
public record SubmittedMessage(
    String sessionId,
    String systemId,
    String sourceAddr,
    byte sourceAddrTon,
    byte sourceAddrNpi,
    String destAddr,
    byte destAddrTon,
    byte destAddrNpi,
    byte esmClass,
    byte dataCoding,
    byte registeredDelivery,
    String validityPeriod,
    byte[] shortMessage,
    byte[] messagePayload,
    String messageId,
    int commandStatus,
    Instant receivedAt) {

  public SubmittedMessage {
    shortMessage = shortMessage == null ? new byte[0] : shortMessage.clone();
    messagePayload = messagePayload == null ? null : messagePayload.clone();
  }

  @Override
  public byte[] shortMessage() {
    return shortMessage.clone();
  }

  @Override
  public byte[] messagePayload() {
    return messagePayload == null ? null : messagePayload.clone();
  }

  /** True when esm_class has the UDHI bit (0x40): short_message starts with a UDH. */
  public boolean udhi() {
    return (esmClass & 0x40) != 0;
  }

  /** The SMSC delivery receipt bits of registered_delivery (0 none, 1 always, 2 on failure). */
  public int receiptRequest() {
    return registeredDelivery & 0x03;
  }

  SubmittedMessage withOutcome(String assignedId, int status) {
    return new SubmittedMessage(
        sessionId,
        systemId,
        sourceAddr,
        sourceAddrTon,
        sourceAddrNpi,
        destAddr,
        destAddrTon,
        destAddrNpi,
        esmClass,
        dataCoding,
        registeredDelivery,
        validityPeriod,
        shortMessage,
        messagePayload,
        assignedId,
        status,
        receivedAt);
  }

  @Override
  public String toString() {
    return "SubmittedMessage["
        + messageId
        + " status="
        + commandStatus
        + " "
        + sourceAddr
        + "->"
        + destAddr
        + " dcs="
        + dataCoding
        + " esm="
        + esmClass
        + " bytes="
        + shortMessage.length
        + " session="
        + sessionId
        + "]";
  }
}
