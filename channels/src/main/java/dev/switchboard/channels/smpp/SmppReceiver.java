package dev.switchboard.channels.smpp;

import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles what the SMSC delivers on a bind, on jsmpp's thread: delivery receipts and
 * mobile-originated messages. Either is acknowledged with ESME_ROK only once the engine has made it
 * durable; when that fails or takes longer than {@code durable-ack-timeout}, the deliver_sm is
 * answered 0x64 (ESME_RX_T_APPN) so the SMSC sends it again. A part of a concatenated MO is held in
 * memory and acknowledged at once, so a crash loses a multi-part MO not yet complete; parts older
 * than {@code mo-reassembly-timeout} are dropped (and logged) when the next MO arrives. Non-final
 * receipts (ENROUTE, ACCEPTD) and receipts naming no message are acknowledged and ignored.
 */
final class SmppReceiver implements MessageReceiverListener {
  private static final Logger log = LoggerFactory.getLogger(SmppReceiver.class);
  private static final int TON_INTERNATIONAL = 1;

  private final String channel;
  private final String provider;
  private final SmppSettings settings;
  private final ProviderEvents events;
  private final Supplier<Optional<Boolean>> sawHexIds;
  private final MoReassembler reassembler;
  private final Clock clock;

  SmppReceiver(
      String channel,
      String provider,
      SmppSettings settings,
      ProviderEvents events,
      Supplier<Optional<Boolean>> sawHexIds,
      Clock clock) {
    this.channel = channel;
    this.provider = provider;
    this.settings = settings;
    this.events = events;
    this.sawHexIds = sawHexIds;
    this.reassembler = new MoReassembler(settings.moReassemblyTimeout());
    this.clock = clock;
  }

  @Override
  public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
    if (MessageType.SMSC_DEL_RECEIPT.containedIn(deliverSm.getEsmClass())) {
      onReceipt(deliverSm);
    } else {
      onMobileOriginated(deliverSm);
    }
  }

  private void onReceipt(DeliverSm deliverSm) throws ProcessRequestException {
    byte[] body = shortMessageOrPayload(deliverSm);
    // Receipt texts are ASCII; Latin-1 reads them whatever data_coding claims.
    ReceiptText text = ReceiptText.parse(new String(body, StandardCharsets.ISO_8859_1));
    ReceiptState state = messageState(deliverSm).orElse(ReceiptState.ofStat(text.stat()));
    String id = receiptId(deliverSm, text);
    if (state == null || !state.isFinal() || id == null) {
      log.info(
          "smpp receipt acknowledged and ignored: channel={} provider={} id={} stat={}",
          channel,
          provider,
          id,
          text.stat());
      return;
    }
    DeliveryReceipt receipt =
        new DeliveryReceipt(
            channel,
            provider,
            id,
            null,
            state.outcome(),
            state.errorCode(text.err()),
            clock.instant());
    awaitDurable(events.receipt(receipt), "receipt " + id);
    log.debug(
        "smpp receipt recorded: channel={} provider={} id={} outcome={} code={}",
        channel,
        provider,
        id,
        receipt.outcome(),
        receipt.errorCode());
  }

  /**
   * The canonical id: receipted_message_id when present, else the text's id.
   *
   * @throws ProcessRequestException 0x64 when a decimal text id cannot be read until the first
   *     submit_sm_resp, still on its way, shows whether the SMSC's ids are hex
   */
  private String receiptId(DeliverSm deliverSm, ReceiptText text) throws ProcessRequestException {
    OptionalParameter receipted =
        deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
    String tlv = receipted == null ? "" : cString(receipted);
    if (!tlv.isBlank()) {
      return SmscMessageIds.canonical(tlv);
    }
    if (text.id() == null || text.id().isBlank()) {
      return null;
    }
    boolean sawHex = false;
    if (settings.receiptIdFormat() == SmscMessageIds.Format.AUTO) {
      sawHex =
          sawHexIds
              .get()
              .orElseThrow(
                  () ->
                      new ProcessRequestException(
                          "receipt id format not known yet", SMPPConstant.STAT_ESME_RX_T_APPN));
    }
    return SmscMessageIds.ofReceiptText(text.id(), settings.receiptIdFormat(), sawHex);
  }

  private static Optional<ReceiptState> messageState(DeliverSm deliverSm) {
    OptionalParameter state = deliverSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
    if (state instanceof OptionalParameter.Byte b) {
      return Optional.ofNullable(ReceiptState.ofMessageState(b.getValue() & 0xFF));
    }
    return Optional.empty();
  }

  private void onMobileOriginated(DeliverSm deliverSm) throws ProcessRequestException {
    String from = address(deliverSm.getSourceAddrTon(), deliverSm.getSourceAddr());
    String to = address(deliverSm.getDestAddrTon(), deliverSm.getDestAddress());
    MoPart part;
    try {
      part =
          MoDecoder.decode(
              deliverSm.getDataCoding(),
              deliverSm.getEsmClass(),
              deliverSm.getShortMessage(),
              payload(deliverSm));
    } catch (IllegalArgumentException e) {
      log.warn(
          "smpp MO refused as malformed: channel={} provider={} from={} reason={}",
          channel,
          provider,
          from,
          e.getMessage());
      // Sending it again would not make it readable: a permanent application error.
      throw new ProcessRequestException(e.getMessage(), SMPPConstant.STAT_ESME_RX_P_APPN);
    }
    expireIncomplete();
    String text = part.text();
    Optional<MoReassembler.Complete> whole = Optional.empty();
    if (part.concat() != null) {
      whole = reassembler.add(from, to, part.concat(), part.text(), clock.instant());
      if (whole.isEmpty()) {
        log.debug(
            "smpp MO part held: channel={} provider={} from={} ref={} part={}/{}",
            channel,
            provider,
            from,
            part.concat().reference(),
            part.concat().seq(),
            part.concat().total());
        return;
      }
      text = whole.get().text();
    }
    InboundMessage message =
        new InboundMessage(
            "in_" + MessageIds.random().substring(4),
            settings.account(),
            channel,
            provider,
            from,
            to,
            text,
            clock.instant());
    awaitDurable(events.inbound(message), "inbound " + message.id());
    whole.ifPresent(complete -> reassembler.release(complete.key()));
    log.info(
        "smpp MO recorded: channel={} provider={} id={} from={}",
        channel,
        provider,
        message.id(),
        from);
  }

  private void expireIncomplete() {
    for (MoReassembler.Expired expired : reassembler.expire(clock.instant())) {
      log.warn(
          "smpp MO dropped incomplete: channel={} provider={} from={} ref={} parts={}/{}",
          channel,
          provider,
          expired.key().source(),
          expired.key().reference(),
          expired.received(),
          expired.key().total());
    }
  }

  /** Blocks jsmpp's thread until the engine made it durable; else asks the SMSC to resend. */
  private void awaitDurable(CompletionStage<Void> durable, String what)
      throws ProcessRequestException {
    try {
      durable
          .toCompletableFuture()
          .get(settings.durableAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "smpp {} not recorded, SMSC asked to resend: channel={} provider={} cause={}",
          what,
          channel,
          provider,
          e instanceof TimeoutException ? "timeout" : String.valueOf(e.getCause()));
      throw new ProcessRequestException(
          what + " not recorded", SMPPConstant.STAT_ESME_RX_T_APPN, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessRequestException(what + " interrupted", SMPPConstant.STAT_ESME_RX_T_APPN, e);
    }
  }

  /** E.164 with a {@code +} when the SMSC says the number is international. */
  private static String address(byte ton, String address) {
    return ton == TON_INTERNATIONAL && !address.startsWith("+") ? "+" + address : address;
  }

  private static byte[] shortMessageOrPayload(DeliverSm deliverSm) {
    byte[] sm = deliverSm.getShortMessage();
    if (sm != null && sm.length > 0) {
      return sm;
    }
    byte[] payload = payload(deliverSm);
    return payload == null ? new byte[0] : payload;
  }

  private static byte[] payload(DeliverSm deliverSm) {
    OptionalParameter p = deliverSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
    return p instanceof OptionalParameter.OctetString o ? o.getValue() : null;
  }

  private static String cString(OptionalParameter p) {
    if (!(p instanceof OptionalParameter.OctetString o)) {
      return "";
    }
    String s = new String(o.getValue(), StandardCharsets.ISO_8859_1);
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }

  @Override
  public void onAcceptAlertNotification(AlertNotification alertNotification) {}

  @Override
  public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
    // This adapter takes receipts and MO in deliver_sm only; 0x03 tells the SMSC so plainly.
    throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }
}
