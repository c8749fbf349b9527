package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.testkit.smsc.SmscSimulator;
import dev.switchboard.testkit.smsc.SubmittedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter against the testkit's SMSC simulator over loopback TCP. */
class SmppSessionTest {
  private static final String PASSWORD = "s3cr3tpw";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SmscSimulator smsc;
  private ProviderSession session;
  private final Events events = new Events();

  @AfterEach
  void tearDown() {
    if (session != null) {
      session.close();
    }
    if (smsc != null) {
      smsc.close();
    }
  }

  @Test
  void gsm7WithExtensionCharactersGoesOnTheWireUnpacked() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    SendOutcome outcome = send(message("+447700900123", "Switchboard", "a{€}", 0));
    SubmittedMessage m = onlySubmit();
    assertThat(m.dataCoding()).isEqualTo((byte) 0x00);
    assertThat(m.esmClass()).isEqualTo((byte) 0x00);
    assertThat(m.shortMessage()).containsExactly(0x61, 0x1B, 0x28, 0x1B, 0x65, 0x1B, 0x29);
    assertThat(m.sourceAddr()).isEqualTo("Switchboard");
    assertThat(m.sourceAddrTon()).isEqualTo((byte) 5);
    assertThat(m.sourceAddrNpi()).isEqualTo((byte) 0);
    assertThat(m.destAddr()).isEqualTo("447700900123");
    assertThat(m.destAddrTon()).isEqualTo((byte) 1);
    assertThat(m.destAddrNpi()).isEqualTo((byte) 1);
    assertThat(m.registeredDelivery()).isEqualTo((byte) 1);
    assertThat(m.validityPeriod()).isNullOrEmpty();
    assertThat(outcome)
        .isEqualTo(
            new SendOutcome.Sent(
                SmscMessageIds.canonical(m.messageId()),
                List.of(SmscMessageIds.canonical(m.messageId()))));
  }

  @Test
  void ucs2CarriesAnEmojiAsUtf16() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    send(message("+447700900123", null, "hi 😀", 0));
    SubmittedMessage m = onlySubmit();
    assertThat(m.dataCoding()).isEqualTo((byte) 0x08);
    assertThat(m.shortMessage()).containsExactly(0, 'h', 0, 'i', 0, ' ', 0xD8, 0x3D, 0xDE, 0x00);
    assertThat(m.sourceAddr()).isEqualTo("447700900999");
    assertThat(m.sourceAddrTon()).isEqualTo((byte) 1);
  }

  @Test
  void twoSegmentsShareAReferenceInAValidUdh() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    SendOutcome outcome = send(message("+447700900123", null, "z".repeat(200), 0));
    List<SubmittedMessage> parts = smsc.submitted();
    assertThat(parts).hasSize(2);
    byte[] first = parts.get(0).shortMessage();
    byte[] second = parts.get(1).shortMessage();
    assertThat(parts).allSatisfy(p -> assertThat(p.esmClass()).isEqualTo((byte) 0x40));
    assertThat(Arrays.copyOf(first, 6)).containsExactly(5, 0, 3, first[3], 2, 1);
    assertThat(Arrays.copyOf(second, 6)).containsExactly(5, 0, 3, first[3], 2, 2);
    assertThat(first.length - 6 + second.length - 6).isEqualTo(200);
    assertThat(((SendOutcome.Sent) outcome).partIds())
        .containsExactly(
            SmscMessageIds.canonical(parts.get(0).messageId()),
            SmscMessageIds.canonical(parts.get(1).messageId()));
  }

  @Test
  void validityPeriodComesFromTtl() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    send(message("+447700900123", null, "ttl", 3600));
    assertThat(onlySubmit().validityPeriod()).isEqualTo("260315130000000+");
  }

  @Test
  void aDecimalReceiptIdIsMatchedToTheHexResponseId() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts("DELIVRD").withReceiptIdsDecimal(true));
    smsc.receiptTlv(false);
    SendOutcome.Sent sent = (SendOutcome.Sent) send(message("+447700900123", null, "hi", 0));
    assertThat(SmscMessageIds.looksHex(sent.providerMessageId())).isTrue();
    await().atMost(WAIT).until(() -> !events.receipts.isEmpty());
    DeliveryReceipt receipt = events.receipts.get(0);
    assertThat(receipt.providerMessageId()).isEqualTo(sent.providerMessageId());
    assertThat(receipt.outcome()).isEqualTo(DeliveryReceipt.Outcome.DELIVERED);
    assertThat(receipt.provider()).isEqualTo("smpp-test");
    assertThat(receipt.channel()).isEqualTo("sms");
  }

  @Test
  void aDecimalReceiptBeforeTheFirstResponseIsAskedAgainAndThenMatched() throws Exception {
    open(
        SmscSimulator.Options.defaults()
            .withAutoReceipts("DELIVRD")
            .withReceiptIdsDecimal(true)
            // The simulator answers the submit once the receipt was answered or after its
            // transaction timer, and sends a receipt answered 0x64 again after the delay.
            .withTransactionTimer(Duration.ofMillis(700))
            .withRedelivery(3, Duration.ofMillis(1000)));
    smsc.receiptTlv(false);
    smsc.receiptBeforeResponse(true);
    SendOutcome.Sent sent = (SendOutcome.Sent) send(message("+447700900123", null, "hi", 0));
    await().atMost(WAIT).until(() -> smsc.deliverResponses().containsKey(0));
    assertThat(events.receipts.get(0).providerMessageId()).isEqualTo(sent.providerMessageId());
    assertThat(smsc.deliverResponses()).containsEntry(0x64, 1L).containsEntry(0, 1L);
  }

  @Test
  void aFailedReceiptCarriesTheStatAndErr() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    SendOutcome.Sent sent = (SendOutcome.Sent) send(message("+447700900123", null, "hi", 0));
    assertThat(smsc.sendReceipt(onlySubmit().messageId(), "UNDELIV", "001")).isZero();
    DeliveryReceipt receipt = events.receipts.get(0);
    assertThat(receipt.providerMessageId()).isEqualTo(sent.providerMessageId());
    assertThat(receipt.outcome()).isEqualTo(DeliveryReceipt.Outcome.FAILED);
    assertThat(receipt.errorCode()).isEqualTo("smpp_undeliv_err_001");
  }

  @Test
  void throttlingIsAnsweredThrottled() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    smsc.throttleNext(1);
    assertThat(send(message("+447700900123", null, "hi", 0)))
        .isEqualTo(new SendOutcome.Throttled("smpp_0x00000058", null));
    assertThat(send(message("+447700900123", null, "hi", 0))).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void aPermanentStatusIsAPermanentFailureNamingIt() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null));
    smsc.failNext(1, 0x0B);
    assertThat(send(message("+447700900123", null, "hi", 0)))
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "smpp_0x0000000b", "ESME_RINVDSTADR: invalid destination address"));
  }

  @Test
  void aRefusedBindThrowsWithTheReasonButNotThePassword() throws Exception {
    smsc = SmscSimulator.start(SmscSimulator.Options.defaults());
    smsc.refuseBinds(0x0E);
    assertThatThrownBy(() -> provider().open(events))
        .isInstanceOf(SmppBindException.class)
        .hasMessageContaining("ESME_RINVPASWD")
        .hasMessageContaining("127.0.0.1:" + smsc.port())
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void aDroppedConnectionReportsTheSessionLost() throws Exception {
    open(SmscSimulator.Options.defaults());
    assertThat(smsc.dropConnections()).isEqualTo(1);
    await().atMost(WAIT).until(() -> events.lost.get() == 1);
  }

  @Test
  void closingOurselvesIsNotALoss() throws Exception {
    open(SmscSimulator.Options.defaults());
    session.close();
    session.close();
    await().atMost(WAIT).until(() -> smsc.unbinds() == 1);
    assertThat(events.lost.get()).isZero();
    session = null;
  }

  @Test
  void anMoInTwoPartsIsOneInboundMessage() throws Exception {
    open(SmscSimulator.Options.defaults());
    String text = "Hello from a phone, ".repeat(10);
    assertThat(smsc.sendMo("447700900123", "12345", text)).isEqualTo(2);
    assertThat(events.inbound).hasSize(1);
    InboundMessage in = events.inbound.get(0);
    assertThat(in.text()).isEqualTo(text);
    assertThat(in.from()).isEqualTo("+447700900123");
    assertThat(in.account()).isEqualTo("acme");
    assertThat(in.id()).startsWith("in_");
  }

  @Test
  void anMoWhoseRecordFailedIsSentAgainAndRecordedOnce() throws Exception {
    open(SmscSimulator.Options.defaults());
    events.failInbound.set(1);
    String text = "Two parts, the last resent. ".repeat(7);
    assertThat(smsc.sendMo("447700900123", "12345", text)).isEqualTo(2);
    assertThat(smsc.redeliveries()).isEqualTo(1);
    assertThat(events.inbound).extracting(InboundMessage::text).containsExactly(text);
  }

  @Test
  void aReceiptIsAcknowledgedOnlyOnceDurable() throws Exception {
    open(SmscSimulator.Options.defaults().withAutoReceipts(null).withRedelivery(0, Duration.ZERO));
    send(message("+447700900123", null, "hi", 0));
    String id = onlySubmit().messageId();
    events.failReceipts.set(true);
    assertThat(smsc.sendReceipt(id, "DELIVRD", "000")).isEqualTo(0x64);
    assertThat(smsc.deliverResponses()).isEqualTo(Map.of(0x64, 1L));
    events.failReceipts.set(false);
    assertThat(smsc.sendReceipt(id, "DELIVRD", "000")).isZero();
    assertThat(smsc.deliverResponses()).isEqualTo(Map.of(0x64, 1L, 0, 1L));
  }

  @Test
  void costIsTheSegmentCount() {
    SmppProvider provider = new SmppProvider("p", "sms", settings(1), Clock.systemUTC());
    assertThat(provider.cost(message("+447700900123", null, "x".repeat(161), 0))).isEqualTo(2);
    assertThat(provider.peer()).isEqualTo("127.0.0.1:1 as acme").doesNotContain(PASSWORD);
  }

  private void open(SmscSimulator.Options options) throws Exception {
    smsc = SmscSimulator.start(options.withCredentials("acme", PASSWORD));
    session = provider().open(events);
  }

  private SmppProvider provider() {
    return new SmppProvider("smpp-test", "sms", settings(smsc.port()), Clock.systemUTC());
  }

  private static SmppSettings settings(int port) {
    return SmppSettings.create(
        ConfigFactory.parseString(
            """
            host = "127.0.0.1"
            port = %d
            system-id = acme
            password = "%s"
            source = "+447700900999"
            account = acme
            response-timeout = 3s
            bind-timeout = 3s
            durable-ack-timeout = 1s
            receipt-id-wait = 200ms
            """
                .formatted(port, PASSWORD)),
        ConfigFactory.defaultReference());
  }

  private SendOutcome send(OutboundMessage message) throws Exception {
    return session.send(message, 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private SubmittedMessage onlySubmit() {
    assertThat(smsc.submitted()).hasSize(1);
    return smsc.submitted().get(0);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  private static OutboundMessage message(String to, String from, String text, long ttl) {
    return new OutboundMessage(
        "msg_" + IDS.incrementAndGet(),
        "acme",
        "sms",
        to,
        from,
        text,
        null,
        ttl,
        Map.of(),
        Instant.parse("2026-03-15T12:00:00Z"));
  }

  /** Records what the session reports; receipts can be made to fail as a broker outage would. */
  private static final class Events implements ProviderEvents {
    final List<DeliveryReceipt> receipts = new CopyOnWriteArrayList<>();
    final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
    final AtomicInteger lost = new AtomicInteger();
    final AtomicBoolean failReceipts = new AtomicBoolean();
    final AtomicInteger failInbound = new AtomicInteger();

    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      if (failReceipts.get()) {
        return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
      }
      receipts.add(receipt);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      if (failInbound.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
      }
      inbound.add(message);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void sessionLost(String cause) {
      lost.incrementAndGet();
    }
  }
}
