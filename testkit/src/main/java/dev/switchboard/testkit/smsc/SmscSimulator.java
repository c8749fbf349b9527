package dev.switchboard.testkit.smsc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMSC over real TCP on 127.0.0.1, built on jsmpp's server session, with the misbehaviours of
 * real SMSCs on demand. Every switch is thread-safe and may be flipped while clients are bound.
 *
 * <p>Sessions are accepted on our own loopback socket rather than jsmpp's {@code
 * SMPPServerSessionListener}: that listener binds every interface and cannot take the per-session
 * {@link ResponseGate} that holds and reorders submit_sm_resp without blocking jsmpp's threads.
 *
 * <pre>{@code
 * try (SmscSimulator smsc = SmscSimulator.start(Options.defaults().withCredentials("u", "p"))) {
 *   // bind a client to 127.0.0.1:smsc.port(), submit, then
 *   smsc.awaitSubmitted(1, Duration.ofSeconds(5));
 *   SubmittedMessage m = smsc.submitted().get(0);
 * }
 * }</pre>
 */
public final class SmscSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmscSimulator.class);

  // Ids start with a letter, so a client that treats them as decimal fails at once.
  private static final long FIRST_MESSAGE_ID = 0xA000000000L;
  private static final int PDU_QUEUE_CAPACITY = 1_000;
  private static final byte ESM_DELIVERY_RECEIPT = 0x04;
  private static final byte ESM_UDHI = 0x40;
  private static final OptionalParameter[] NO_PARAMS = new OptionalParameter[0];
  private static final Runnable NOTHING = () -> {};

  /**
   * How the simulator starts. {@code systemId}/{@code password} null accept any credentials; {@code
   * autoReceiptStat} null sends no receipts unless asked by hand.
   *
   * @param port the TCP port on 127.0.0.1; 0 picks a free one
   * @param smscSystemId the system_id answered in bind_resp
   * @param autoReceiptStat the stat of automatic receipts (DELIVRD, UNDELIV, EXPIRED, ...)
   * @param receiptIdsDecimal the receipt text's {@code id:} in decimal, as jsmpp's own simulator
   *     does
   * @param receiptTlv whether receipts carry receipted_message_id and message_state
   * @param transactionTimer how long a deliver_sm waits for its resp
   * @param bindTimeout how long a connection may take to send its bind
   * @param deliverThreads the threads sending deliver_sm (receipts and MO)
   * @param maxRedeliveries how often a deliver_sm answered 0x64, 0x58 or 0x14, or not answered, is
   *     sent again
   * @param redeliveryDelay the pause before such a redelivery
   * @param pduProcessorDegree jsmpp's PDU processing threads per session
   * @param recordSubmissions false keeps only the count (long benchmark runs)
   */
  public record Options(
      int port,
      String systemId,
      String password,
      String smscSystemId,
      String autoReceiptStat,
      boolean receiptIdsDecimal,
      boolean receiptTlv,
      Duration transactionTimer,
      Duration bindTimeout,
      int deliverThreads,
      int maxRedeliveries,
      Duration redeliveryDelay,
      int pduProcessorDegree,
      boolean recordSubmissions) {

    /** Ephemeral port, any credentials, DELIVRD receipts with the TLVs, hex ids in the text. */
    public static Options defaults() {
      return new Options(
          0,
          null,
          null,
          "smsc-sim",
          "DELIVRD",
          false,
          true,
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          4,
          3,
          Duration.ofMillis(50),
          3,
          true);
    }

    public Options withPort(int newPort) {
      return new Options(
          newPort,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withCredentials(String newSystemId, String newPassword) {
      return new Options(
          port,
          newSystemId,
          newPassword,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withSmscSystemId(String newSmscSystemId) {
      return new Options(
          port,
          systemId,
          password,
          newSmscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withAutoReceipts(String stat) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          stat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withReceiptIdsDecimal(boolean decimal) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          decimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withTransactionTimer(Duration timer) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          timer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withRedelivery(int max, Duration delay) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          max,
          delay,
          pduProcessorDegree,
          recordSubmissions);
    }

    /**
     * Receipts and MO in flight at once: each deliver_sm waits for its response, so this bounds how
     * fast receipts go out when the client acknowledges them only once they are durable.
     */
    public Options withDeliverThreads(int threads) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          threads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          recordSubmissions);
    }

    public Options withRecordSubmissions(boolean record) {
      return new Options(
          port,
          systemId,
          password,
          smscSystemId,
          autoReceiptStat,
          receiptIdsDecimal,
          receiptTlv,
          transactionTimer,
          bindTimeout,
          deliverThreads,
          maxRedeliveries,
          redeliveryDelay,
          pduProcessorDegree,
          record);
    }
  }

  private record Bound(SMPPServerSession session, String systemId, BindType bindType) {}

  private final Options options;
  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final ExecutorService handshakes;
  private final Deliverer deliverer;
  private final ResponseHold hold = new ResponseHold();
  private final Listener listener = new Listener();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Map<String, Bound> sessions = new ConcurrentHashMap<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final LongAdder bindAttempts = new LongAdder();
  private final LongAdder unbinds = new LongAdder();

  private final AtomicLong nextMessageId = new AtomicLong(FIRST_MESSAGE_ID);
  private final AtomicInteger moReference = new AtomicInteger();
  private final ConcurrentLinkedQueue<SubmittedMessage> submitted = new ConcurrentLinkedQueue<>();
  private final AtomicLong submittedCount = new AtomicLong();
  private final Object submittedSignal = new Object();
  private final AtomicInteger submittedWaiters = new AtomicInteger();
  // Accepted submits until their resp is written: the receipt needs what was submitted.
  private final Map<String, SubmittedMessage> awaitingResponse = new ConcurrentHashMap<>();
  private final Map<String, SubmittedMessage> byId = new ConcurrentHashMap<>();

  private volatile int refuseBindStatus;
  private final AtomicInteger throttleNext = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile int failStatus = SMPPConstant.STAT_ESME_RSYSERR;
  private volatile String autoReceiptStat;
  private volatile boolean receiptIdsDecimal;
  private volatile boolean receiptTlv;
  private volatile boolean receiptBeforeResponse;

  private SmscSimulator(Options options) throws IOException {
    this.options = options;
    this.autoReceiptStat = options.autoReceiptStat();
    this.receiptIdsDecimal = options.receiptIdsDecimal();
    this.receiptTlv = options.receiptTlv();
    this.serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 128);
    this.deliverer =
        new Deliverer(
            options.deliverThreads(), options.maxRedeliveries(), options.redeliveryDelay());
    this.handshakes =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "smsc-sim-bind");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "smsc-sim-accept-" + port());
    acceptor.setDaemon(true);
  }

  /** Listens on 127.0.0.1 and returns once connections are accepted. */
  public static SmscSimulator start(Options options) throws IOException {
    SmscSimulator smsc = new SmscSimulator(options);
    smsc.acceptor.start();
    return smsc;
  }

  /** The port it listens on (the chosen one when started with 0). */
  public int port() {
    return serverSocket.getLocalPort();
  }

  // ---- behaviour switches ----

  /** Refuses every bind with this command_status (e.g. 0x0D ESME_RBINDFAIL); 0 accepts again. */
  public void refuseBinds(int commandStatus) {
    refuseBindStatus = commandStatus;
  }

  /** The next n submit_sm are answered ESME_RTHROTTLED (0x58). */
  public void throttleNext(int n) {
    throttleNext.set(n);
  }

  /** The next n submit_sm are answered with this command_status (after any throttled ones). */
  public void failNext(int n, int commandStatus) {
    failStatus = commandStatus;
    failNext.set(n);
  }

  /** From now on submit_sm_resp are kept back until {@link #releaseResponses(boolean)}. */
  public void holdResponses() {
    hold.hold();
  }

  /** Answers every held submit_sm, in arrival order or reversed; returns how many. */
  public int releaseResponses(boolean reverseOrder) {
    return hold.release(reverseOrder);
  }

  /** How many submit_sm_resp are held right now. */
  public int heldResponses() {
    return hold.heldCount();
  }

  /**
   * The receipt goes out before its submit_sm_resp; the resp follows once the receipt was answered
   * (or its deliver_sm gave up, bounded by the transaction timer).
   */
  public void receiptBeforeResponse(boolean enabled) {
    receiptBeforeResponse = enabled;
  }

  /** The stat of automatic receipts for submits that ask for one; null sends none. */
  public void autoReceipts(String stat) {
    autoReceiptStat = stat;
  }

  /** Writes the receipt text's {@code id:} in decimal (the TLV keeps the hex id). */
  public void receiptIdsDecimal(boolean decimal) {
    receiptIdsDecimal = decimal;
  }

  /** Whether receipts carry receipted_message_id and message_state; false forces text-only. */
  public void receiptTlv(boolean enabled) {
    receiptTlv = enabled;
  }

  /** Resets every sessions' socket (no unbind), as a network failure would; returns how many. */
  public int dropConnections() {
    int dropped = 0;
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        log.debug("SO_LINGER not set: {}", e.toString());
      }
      closeQuietly(s);
      dropped++;
    }
    return dropped;
  }

  // ---- sending deliver_sm ----

  /**
   * Sends a receipt by hand for an id answered earlier (to the session that submitted it, else to
   * any receiving session); returns the client's command_status once answered.
   *
   * @throws DeliverSmFailedException when no session could take it or no answer came
   */
  public int sendReceipt(String messageId, String stat, String err) {
    SubmittedMessage m = byId.get(messageId);
    Deliverer.Delivery delivery =
        m != null
            ? receipt(m, stat, err)
            : receipt(messageId, Instant.now(), null, null, "", "", "", stat, err);
    return await(deliverer.deliver(delivery));
  }

  /**
   * Sends a mobile-originated text, segmented as a phone would; returns the number of parts once
   * every part was answered with 0.
   *
   * @throws DeliverSmFailedException with the status of the first part not accepted
   */
  public int sendMo(String from, String to, String text) {
    MoSegmenter.Segments s = MoSegmenter.split(text, moReference.incrementAndGet() & 0xFF);
    return sendMoParts(from, to, s.dataCoding(), s.parts(), s.udhi());
  }

  /**
   * Sends these exact short_message bytes as deliver_sm, one per part, in order, with esm_class
   * 0x40 when udhi; returns the number of parts once every part was answered with 0.
   *
   * @throws DeliverSmFailedException with the status of the first part not accepted
   */
  public int sendMoParts(
      String from, String to, byte dataCoding, List<byte[]> rawShortMessages, boolean udhi) {
    int part = 0;
    for (byte[] raw : rawShortMessages) {
      part++;
      Deliverer.Delivery d =
          new Deliverer.Delivery(
              () -> receiverFor(null, null),
              from,
              to,
              udhi ? ESM_UDHI : 0,
              dataCoding,
              raw.clone(),
              NO_PARAMS);
      int status = await(deliverer.deliver(d));
      if (status != SMPPConstant.STAT_ESME_ROK) {
        throw new DeliverSmFailedException(
            "MO part "
                + part
                + "/"
                + rawShortMessages.size()
                + " answered 0x"
                + Integer.toHexString(status),
            status);
      }
    }
    return part;
  }

  private int await(CompletableFuture<Integer> delivery) {
    Duration timer = options.transactionTimer();
    long bound =
        (timer.toMillis() + options.redeliveryDelay().toMillis()) * (options.maxRedeliveries() + 1)
            + 1_000;
    try {
      return delivery.get(bound, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DeliverSmFailedException failed) {
        throw failed;
      }
      throw new DeliverSmFailedException(
          "deliver_sm failed: " + e.getCause(), DeliverSmFailedException.NO_RESPONSE);
    } catch (TimeoutException e) {
      throw new DeliverSmFailedException(
          "deliver_sm not answered in " + bound + " ms", DeliverSmFailedException.NO_RESPONSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliverSmFailedException("interrupted", DeliverSmFailedException.NO_RESPONSE);
    }
  }

  // ---- recording and counters ----

  /** Every submit_sm received since start or the last clear, in arrival order. */
  public List<SubmittedMessage> submitted() {
    return List.copyOf(submitted);
  }

  /** How many submit_sm arrived since start or the last clear (accepted and refused). */
  public long submittedCount() {
    return submittedCount.get();
  }

  public void clearSubmitted() {
    submitted.clear();
    byId.clear();
    submittedCount.set(0);
  }

  /** Waits until at least n submit_sm were counted; false when the timeout passed first. */
  public boolean awaitSubmitted(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    submittedWaiters.incrementAndGet();
    try {
      synchronized (submittedSignal) {
        while (submittedCount.get() < n) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            return false;
          }
          submittedSignal.wait(left);
        }
        return true;
      }
    } finally {
      submittedWaiters.decrementAndGet();
    }
  }

  /** Sessions bound right now. */
  public int boundSessions() {
    int bound = 0;
    for (Bound b : sessions.values()) {
      if (b.session().getSessionState().isBound()) {
        bound++;
      }
    }
    return bound;
  }

  /** Bind requests received, accepted or refused. */
  public long bindAttempts() {
    return bindAttempts.sum();
  }

  /** Sessions that ended with an unbind from the client. */
  public long unbinds() {
    return unbinds.sum();
  }

  /** deliver_sm_resp received, by command_status, every attempt counted. */
  public Map<Integer, Long> deliverResponses() {
    return deliverer.responses();
  }

  /** deliver_sm sent again because the client answered 0x64. */
  public long redeliveries() {
    return deliverer.redeliveries();
  }

  /** deliver_sm that got no answer (timeout, no receiving session, broken connection). */
  public long deliverFailures() {
    return deliverer.noResponse();
  }

  /** Closes the listener and every session; idempotent, returns within a few seconds. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(serverSocket);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    for (Bound b : sessions.values()) {
      b.session().close();
    }
    handshakes.shutdownNow();
    deliverer.close();
    try {
      acceptor.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- sessions ----

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("SMSC simulator stops accepting: {}", e.toString());
        }
        return;
      }
      sockets.add(socket);
      try {
        handshakes.execute(() -> handshake(socket));
      } catch (RejectedExecutionException e) {
        closeQuietly(socket);
      }
    }
  }

  private void handshake(Socket socket) {
    try {
      socket.setTcpNoDelay(true);
      SocketConnection conn = new SocketConnection(socket);
      conn.setSoTimeout((int) options.bindTimeout().toMillis());
      SMPPServerSession session =
          new SMPPServerSession(
              conn,
              (newState, oldState, source) -> onStateChange(newState, source, socket),
              listener,
              null,
              options.pduProcessorDegree(),
              PDU_QUEUE_CAPACITY,
              new ResponseGate(this::route),
              new DefaultPDUReader());
      session.setTransactionTimer(options.transactionTimer().toMillis());
      BindRequest request = session.waitForBind(options.bindTimeout().toMillis());
      bindAttempts.increment();
      int refusal = bindRefusal(request);
      if (refusal != 0) {
        // The client closes after reading the refusal; closing first could reset it unread.
        request.reject(refusal);
        return;
      }
      sessions.put(
          session.getSessionId(), new Bound(session, request.getSystemId(), request.getBindType()));
      request.accept(options.smscSystemId(), InterfaceVersion.IF_34);
      log.debug(
          "bound {} as {} ({})",
          session.getSessionId(),
          request.getSystemId(),
          request.getBindType());
    } catch (TimeoutException e) {
      sockets.remove(socket);
      closeQuietly(socket);
    } catch (IOException | PDUStringException | IllegalStateException e) {
      log.debug("bind handshake failed: {}", e.toString());
      sockets.remove(socket);
      closeQuietly(socket);
    }
  }

  private int bindRefusal(BindRequest request) {
    int refuse = refuseBindStatus;
    if (refuse != 0) {
      return refuse;
    }
    if (options.systemId() != null && !options.systemId().equals(request.getSystemId())) {
      return SMPPConstant.STAT_ESME_RINVSYSID;
    }
    if (options.password() != null && !options.password().equals(request.getPassword())) {
      return SMPPConstant.STAT_ESME_RINVPASWD;
    }
    return 0;
  }

  private void onStateChange(SessionState newState, Session source, Socket socket) {
    if (newState == SessionState.UNBOUND) {
      unbinds.increment();
    } else if (newState == SessionState.CLOSED) {
      sessions.remove(source.getSessionId());
      sockets.remove(socket);
      closeQuietly(socket);
    }
  }

  /**
   * The session that submitted it when it can receive, else one of the same system id, else any.
   */
  private SMPPServerSession receiverFor(String preferredSessionId, String systemId) {
    Bound preferred = preferredSessionId == null ? null : sessions.get(preferredSessionId);
    if (preferred != null && preferred.session().getSessionState().isReceivable()) {
      return preferred.session();
    }
    SMPPServerSession any = null;
    for (Bound b : sessions.values()) {
      if (!b.session().getSessionState().isReceivable()) {
        continue;
      }
      if (systemId != null && systemId.equals(b.systemId())) {
        return b.session();
      }
      if (any == null) {
        any = b.session();
      }
    }
    return any;
  }

  // ---- submit_sm ----

  private SubmitSmResult onSubmit(SubmitSm sm, SMPPServerSession source)
      throws ProcessRequestException {
    Bound bound = sessions.get(source.getSessionId());
    int refusal = nextRefusal();
    String id = refusal == 0 ? newMessageId() : null;
    OptionalParameter payload = sm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
    SubmittedMessage m =
        new SubmittedMessage(
            source.getSessionId(),
            bound == null ? null : bound.systemId(),
            sm.getSourceAddr(),
            sm.getSourceAddrTon(),
            sm.getSourceAddrNpi(),
            sm.getDestAddress(),
            sm.getDestAddrTon(),
            sm.getDestAddrNpi(),
            sm.getEsmClass(),
            sm.getDataCoding(),
            sm.getRegisteredDelivery(),
            sm.getValidityPeriod(),
            sm.getShortMessage(),
            payload instanceof OptionalParameter.OctetString octets ? octets.getValue() : null,
            id,
            refusal,
            Instant.now());
    record(m);
    if (refusal != 0) {
      throw new ProcessRequestException("simulated refusal", refusal);
    }
    awaitingResponse.put(id, m);
    try {
      return new SubmitSmResult(new MessageId(id), NO_PARAMS);
    } catch (PDUStringException e) {
      awaitingResponse.remove(id);
      throw new ProcessRequestException("invalid message id " + id, SMPPConstant.STAT_ESME_RSYSERR);
    }
  }

  private int nextRefusal() {
    if (throttleNext.get() > 0 && throttleNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return SMPPConstant.STAT_ESME_RTHROTTLED;
    }
    if (failNext.get() > 0 && failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return failStatus;
    }
    return 0;
  }

  private String newMessageId() {
    return Long.toHexString(nextMessageId.getAndIncrement());
  }

  private void record(SubmittedMessage m) {
    if (options.recordSubmissions()) {
      submitted.add(m);
      if (m.messageId() != null) {
        byId.put(m.messageId(), m);
      }
    }
    submittedCount.incrementAndGet();
    if (submittedWaiters.get() > 0) {
      synchronized (submittedSignal) {
        submittedSignal.notifyAll();
      }
    }
  }

  /** Called by every session's {@link ResponseGate} with a submit_sm_resp ready to go. */
  private void route(OutgoingResponse response) {
    String id = response.messageId();
    SubmittedMessage m = id == null ? null : awaitingResponse.remove(id);
    String stat = m == null ? null : autoReceiptStat(m);
    if (stat == null) {
      hold.writeOrHold(response, NOTHING);
    } else if (receiptBeforeResponse) {
      deliverer
          .deliver(receipt(m, stat, autoErr(stat)))
          .orTimeout(options.transactionTimer().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((status, failure) -> hold.writeOrHold(response, NOTHING));
    } else {
      hold.writeOrHold(response, () -> deliverer.deliver(receipt(m, stat, autoErr(stat))));
    }
  }

  private String autoReceiptStat(SubmittedMessage m) {
    String stat = autoReceiptStat;
    if (stat == null) {
      return null;
    }
    return switch (m.receiptRequest()) {
      case 1 -> stat;
      case 2 -> ReceiptFormat.isSuccess(stat) ? null : stat;
      default -> null;
    };
  }

  private static String autoErr(String stat) {
    return ReceiptFormat.isSuccess(stat) ? "000" : "001";
  }

  private Deliverer.Delivery receipt(SubmittedMessage m, String stat, String err) {
    return receipt(
        m.messageId(),
        m.receivedAt(),
        m.sessionId(),
        m.systemId(),
        m.destAddr(),
        m.sourceAddr(),
        ReceiptFormat.textStart(m),
        stat,
        err);
  }

  // A receipt travels back: from the submit's destination to its source.
  private Deliverer.Delivery receipt(
      String id,
      Instant submittedAt,
      String sessionId,
      String systemId,
      String from,
      String to,
      String textStart,
      String stat,
      String err) {
    String text = ReceiptFormat.text(textId(id), submittedAt, Instant.now(), stat, err, textStart);
    OptionalParameter[] params =
        receiptTlv
            ? new OptionalParameter[] {
              new OptionalParameter.Receipted_message_id(id),
              new OptionalParameter.Message_state(ReceiptFormat.messageState(stat))
            }
            : NO_PARAMS;
    return new Deliverer.Delivery(
        () -> receiverFor(sessionId, systemId),
        from,
        to,
        ESM_DELIVERY_RECEIPT,
        (byte) 0,
        text.getBytes(StandardCharsets.US_ASCII),
        params);
  }

  private String textId(String id) {
    if (!receiptIdsDecimal) {
      return id;
    }
    try {
      return Long.toString(Long.parseLong(id, 16));
    } catch (NumberFormatException e) {
      return id;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("close: {}", e.toString());
    }
  }

  /** jsmpp's callbacks; only submit_sm is served, everything else is answered ESME_RINVCMDID. */
  private final class Listener implements ServerMessageReceiverListener {
    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
        throws ProcessRequestException {
      return onSubmit(submitSm, source);
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptCancelBroadcastSm(
        CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(
        QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source)
        throws ProcessRequestException {
      throw unsupported();
    }

    private ProcessRequestException unsupported() {
      return new ProcessRequestException("not simulated", SMPPConstant.STAT_ESME_RINVCMDID);
    }
  }

  // ---- as a process ----

  /**
   * Runs the simulator until killed: {@code --port 2775 --system-id x --password y [--smsc-id id]
   * [--receipts DELIVRD|UNDELIV|none] [--decimal-receipt-ids]}. Prints one line when listening.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Options o = Options.defaults().withPort(2775);
    String systemId = null;
    String password = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--port" -> o = o.withPort(Integer.parseInt(args[++i]));
        case "--system-id" -> systemId = args[++i];
        case "--password" -> password = args[++i];
        case "--smsc-id" -> o = o.withSmscSystemId(args[++i]);
        case "--receipts" -> {
          String stat = args[++i];
          o = o.withAutoReceipts("none".equalsIgnoreCase(stat) ? null : stat);
        }
        case "--decimal-receipt-ids" -> o = o.withReceiptIdsDecimal(true);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    // A process that runs for hours must not grow: it counts instead of recording.
    SmscSimulator smsc = start(o.withCredentials(systemId, password).withRecordSubmissions(false));
    Runtime.getRuntime().addShutdownHook(new Thread(smsc::close, "smsc-sim-shutdown"));
    System.out.println(
        "SmscSimulator listening on 127.0.0.1:"
            + smsc.port()
            + " system-id="
            + (systemId == null ? "*" : systemId)
            + " receipts="
            + o.autoReceiptStat());
    new CountDownLatch(1).await();
  }
}
