package dev.switchboard.channels.smpp;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bind to the SMSC on a jsmpp {@link SMPPSession}. {@link #send} submits each segment with
 * jsmpp's blocking call on the session's own pool of {@code window} threads, so the caller never
 * blocks; jsmpp's enquire_link and transaction timers keep the link honest, and a close we did not
 * ask for is reported once through {@link ProviderEvents#sessionLost}.
 */
final class SmppSession implements ProviderSession {
  private static final Logger log = LoggerFactory.getLogger(SmppSession.class);
  private static final String SERVICE_TYPE = "";
  private static final byte RECEIPT_ON_SUCCESS_OR_FAILURE = 0x01;

  private final String channel;
  private final String provider;
  private final SmppSettings settings;
  private final ProviderEvents events;
  private final SMPPSession session;
  private final ExecutorService submitters;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean lostReported = new AtomicBoolean();
  private final AtomicInteger reference = new AtomicInteger(new SecureRandom().nextInt(256));
  private final HexIdMemory hexIds;

  private SmppSession(
      String channel,
      String provider,
      SmppSettings settings,
      ProviderEvents events,
      SMPPSession session,
      HexIdMemory hexIds) {
    this.channel = channel;
    this.hexIds = hexIds;
    this.provider = provider;
    this.settings = settings;
    this.events = events;
    this.session = session;
    AtomicInteger threads = new AtomicInteger();
    this.submitters =
        Executors.newFixedThreadPool(
            settings.window(),
            r -> {
              Thread t = new Thread(r, "smpp-" + provider + "-submit-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects and binds; blocks up to the bind timeout.
   *
   * @throws SmppBindException with the SMSC's status when the bind is refused, or the I/O cause;
   *     its message names the peer, never the password
   */
  static SmppSession open(
      String channel,
      String provider,
      SmppSettings settings,
      ProviderEvents events,
      HexIdMemory hexIds,
      Clock clock)
      throws SmppBindException {
    SMPPSession jsmpp = new SMPPSession();
    jsmpp.setEnquireLinkTimer((int) settings.enquireLinkInterval().toMillis());
    jsmpp.setTransactionTimer(settings.responseTimeout().toMillis());
    // A receipt or MO holds one of these threads until the broker confirms it; submit responses
    // are read by the same pool, so it must not fill with receipts waiting for confirms.
    jsmpp.setPduProcessorDegree(settings.pduProcessorDegree());
    SmppSession session = new SmppSession(channel, provider, settings, events, jsmpp, hexIds);
    jsmpp.setMessageReceiverListener(
        new SmppReceiver(
            channel,
            provider,
            settings,
            events,
            () -> hexIds.sawHex(settings.receiptIdWait()),
            clock));
    try {
      String smsc =
          jsmpp.connectAndBind(
              settings.host(),
              settings.port(),
              new BindParameter(
                  settings.bind() == SmppSettings.BindMode.TRANSMITTER
                      ? BindType.BIND_TX
                      : BindType.BIND_TRX,
                  settings.systemId(),
                  settings.password(),
                  settings.systemType(),
                  TypeOfNumber.UNKNOWN,
                  NumberingPlanIndicator.UNKNOWN,
                  null),
              settings.bindTimeout().toMillis());
      jsmpp.addSessionStateListener(
          (newState, oldState, source) -> session.onStateChange(newState));
      if (!jsmpp.getSessionState().isBound()) {
        session.onStateChange(jsmpp.getSessionState());
      }
      log.info(
          "smpp bound: channel={} provider={} peer={} smsc={}",
          channel,
          provider,
          settings.peer(),
          smsc);
      return session;
    } catch (IOException e) {
      session.submitters.shutdownNow();
      jsmpp.close();
      throw SmppBindException.of(settings, e);
    }
  }

  /**
   * Submits every segment in order on the session's pool. The stage completes with {@code Sent}
   * (the first id, and every part's canonical id), with the classified outcome of the first part
   * the SMSC refused (a retry then resends every part, the ones taken before included), or
   * exceptionally when an answer never came (a timeout, a dropped link: the outcome is unknown).
   */
  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    SmppSubmit submit;
    try {
      submit = SmppSubmit.of(message, settings, reference.getAndIncrement() & 0xFF);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure("smpp_invalid_message", e.getMessage()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> submitAll(message, submit), submitters);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IOException("smpp session is closed", e));
    }
  }

  /** Submits every segment in order; the first refused one decides the outcome. */
  private SendOutcome submitAll(OutboundMessage message, SmppSubmit submit) {
    List<String> ids = new ArrayList<>(submit.sms().segments());
    for (byte[] part : submit.sms().parts()) {
      hexIds.submitting();
      String id = null;
      try {
        id =
            session
                .submitShortMessage(
                    SERVICE_TYPE,
                    TypeOfNumber.valueOf(submit.source().ton()),
                    NumberingPlanIndicator.valueOf(submit.source().npi()),
                    submit.source().address(),
                    TypeOfNumber.valueOf(submit.destination().ton()),
                    NumberingPlanIndicator.valueOf(submit.destination().npi()),
                    submit.destination().address(),
                    new ESMClass(submit.sms().udhi() ? EncodedSms.ESM_UDHI : 0),
                    (byte) 0,
                    (byte) 0,
                    null,
                    submit.validity(),
                    new RegisteredDelivery(
                        settings.registeredDelivery() ? RECEIPT_ON_SUCCESS_OR_FAILURE : 0),
                    (byte) 0,
                    DataCodings.newInstance(submit.sms().dataCoding()),
                    (byte) 0,
                    part)
                .getMessageId();
        ids.add(SmscMessageIds.canonical(id));
      } catch (NegativeResponseException e) {
        CommandStatus.Classified classified = CommandStatus.classify(e.getCommandStatus());
        log.info(
            "smpp submit refused: channel={} provider={} message={} part={}/{} status={}",
            channel,
            provider,
            message.id(),
            ids.size() + 1,
            submit.sms().segments(),
            CommandStatus.code(e.getCommandStatus()));
        if (classified.sessionLost()) {
          reportLost("SMSC answered " + CommandStatus.reason(e.getCommandStatus()));
        }
        return classified.outcome();
      } catch (Exception e) {
        // A timeout, a dropped link or a PDU error: the SMSC may have the part, so unknown.
        throw new CompletionException(e);
      } finally {
        hexIds.answered(id);
      }
    }
    log.debug(
        "smpp submitted: channel={} provider={} message={} ids={}",
        channel,
        provider,
        message.id(),
        ids);
    return new SendOutcome.Sent(ids.get(0), ids);
  }

  private void onStateChange(SessionState state) {
    if (state == SessionState.CLOSED || state == SessionState.UNBOUND) {
      reportLost("session " + state.name().toLowerCase(Locale.ROOT));
    }
  }

  private void reportLost(String cause) {
    if (!closed.get() && lostReported.compareAndSet(false, true)) {
      log.warn(
          "smpp session lost: channel={} provider={} peer={} cause={}",
          channel,
          provider,
          settings.peer(),
          cause);
      events.sessionLost(cause);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    submitters.shutdown();
    try {
      submitters.awaitTermination(settings.unbindTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    submitters.shutdownNow();
    // unbindAndClose waits for unbind_resp at most the transaction timer, then closes anyway.
    session.setTransactionTimer(settings.unbindTimeout().toMillis());
    session.unbindAndClose();
    log.info("smpp closed: channel={} provider={} peer={}", channel, provider, settings.peer());
  }
}
