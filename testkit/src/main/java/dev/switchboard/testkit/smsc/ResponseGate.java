package dev.switchboard.testkit.smsc;

import java.io.IOException;
import java.io.OutputStream;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.OptionalParameter;

/**
 * The PDU sender of one server session. jsmpp writes submit_sm_resp as soon as the listener
 * returns; this sender hands each one to the simulator instead, which writes it now, holds it, or
 * writes it after the receipt. Deferring here keeps jsmpp's processor threads free, so
 * deliver_sm_resp keeps flowing while responses are held. Writes stay synchronized on the stream.
 */
final class ResponseGate extends SynchronizedPDUSender {

  /** Decides when a submit_sm_resp goes out. */
  interface Router {
    void route(OutgoingResponse response);
  }

  private final Router router;

  ResponseGate(Router router) {
    super(new DefaultPDUSender());
    this.router = router;
  }

  @Override
  public byte[] sendSubmitSmResp(
      OutputStream os, int sequenceNumber, String messageId, OptionalParameter... params) {
    router.route(
        new OutgoingResponse(this, os, sequenceNumber, messageId, SMPPConstant.STAT_ESME_ROK));
    return new byte[0];
  }

  // jsmpp answers a refused submit_sm with a bare header; hold those too so order tests see them.
  @Override
  public byte[] sendHeader(OutputStream os, int commandId, int commandStatus, int sequenceNumber)
      throws IOException {
    if (commandId == (SMPPConstant.CID_SUBMIT_SM | SMPPConstant.MASK_CID_RESP)) {
      router.route(new OutgoingResponse(this, os, sequenceNumber, null, commandStatus));
      return new byte[0];
    }
    return super.sendHeader(os, commandId, commandStatus, sequenceNumber);
  }

  void writeAccepted(OutputStream os, int sequenceNumber, String messageId)
      throws IOException, PDUStringException {
    super.sendSubmitSmResp(os, sequenceNumber, messageId);
  }

  void writeRefused(OutputStream os, int sequenceNumber, int commandStatus) throws IOException {
    super.sendHeader(
        os, SMPPConstant.CID_SUBMIT_SM | SMPPConstant.MASK_CID_RESP, commandStatus, sequenceNumber);
  }
}
