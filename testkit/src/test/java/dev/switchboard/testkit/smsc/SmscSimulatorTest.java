package dev.switchboard.testkit.smsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmscSimulatorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private SmscSimulator smsc;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    smsc =
        SmscSimulator.start(
            SmscSimulator.Options.defaults()
                .withCredentials("esme", "secret")
                .withSmscSystemId("sim")
                .withRedelivery(2, Duration.ofMillis(20)));
  }

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    smsc.close();
  }

  private TestClient bind() throws Exception {
    TestClient c = TestClient.bind(smsc.port(), BindType.BIND_TRX, "esme", "secret");
    clients.add(c);
    return c;
  }

  private static int bindStatus(BindType type, int port, String systemId, String password) {
    try (TestClient c = TestClient.bind(port, type, systemId, password)) {
      return 0;
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof NegativeResponseException n) {
          return n.getCommandStatus();
        }
      }
      throw new AssertionError("bind failed without a status", e);
    }
  }

  private static int submitStatus(TestClient c) {
    try {
      c.submit("447700900001", "x".getBytes(StandardCharsets.US_ASCII), false);
      return 0;
    } catch (NegativeResponseException e) {
      return e.getCommandStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void bindsAreAcceptedOrRefusedWithTheStatus() {
    int port = smsc.port();
    assertThat(bindStatus(BindType.BIND_TRX, port, "esme", "secret")).isZero();
    assertThat(bindStatus(BindType.BIND_TX, port, "esme", "secret")).isZero();
    assertThat(bindStatus(BindType.BIND_TRX, port, "esme", "wrong"))
        .isEqualTo(SMPPConstant.STAT_ESME_RINVPASWD);
    assertThat(bindStatus(BindType.BIND_TRX, port, "other", "secret"))
        .isEqualTo(SMPPConstant.STAT_ESME_RINVSYSID);
    smsc.refuseBinds(SMPPConstant.STAT_ESME_RBINDFAIL);
    assertThat(bindStatus(BindType.BIND_TRX, port, "esme", "secret"))
        .isEqualTo(SMPPConstant.STAT_ESME_RBINDFAIL);
    smsc.refuseBinds(0);
    assertThat(bindStatus(BindType.BIND_RX, port, "esme", "secret")).isZero();
    assertThat(smsc.bindAttempts()).isEqualTo(6);
    await().atMost(WAIT).until(() -> smsc.unbinds() == 3 && smsc.boundSessions() == 0);
  }

  @Test
  void aSubmitIsRecordedWithItsExactBytesAndAssignedId() throws Exception {
    TestClient c = bind();
    assertThat(c.session.getSessionState()).isEqualTo(SessionState.BOUND_TRX);
    await().atMost(WAIT).until(() -> smsc.boundSessions() == 1);
    byte[] body = {0x48, 0x00, 0x1B, 0x65, (byte) 0xFF};
    byte[] payload = {1, 2, 3};
    String id =
        c.submit(
            "447700900123",
            body,
            false,
            new OptionalParameter.OctetString(
                OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), payload));

    assertThat(id).matches("[0-9a-f]{10}");
    assertThat(smsc.submittedCount()).isEqualTo(1);
    SubmittedMessage m = smsc.submitted().get(0);
    assertThat(m.messageId()).isEqualTo(id);
    assertThat(m.commandStatus()).isZero();
    assertThat(m.systemId()).isEqualTo("esme");
    assertThat(m.sourceAddr()).isEqualTo("Switchbd");
    assertThat(m.sourceAddrTon()).isEqualTo((byte) 5);
    assertThat(m.destAddr()).isEqualTo("447700900123");
    assertThat(m.destAddrTon()).isEqualTo((byte) 1);
    assertThat(m.destAddrNpi()).isEqualTo((byte) 1);
    assertThat(m.validityPeriod()).isEqualTo("000001000000000R");
    assertThat(m.shortMessage()).containsExactly(body);
    assertThat(m.messagePayload()).containsExactly(payload);
    assertThat(c.received).isEmpty();

    assertThat(c.submit("447700900123", body, false)).isNotEqualTo(id);
    smsc.clearSubmitted();
    assertThat(smsc.submitted()).isEmpty();
    assertThat(smsc.submittedCount()).isZero();
  }

  @Test
  void theReceiptFollowsTheResponseWithBothIdFormsAndTheTlvs() throws Exception {
    TestClient c = bind();
    smsc.receiptIdsDecimal(true);
    smsc.holdResponses();
    CompletableFuture<String> id =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return c.submit("447700900123", "Hello from the test suite".getBytes(), true);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(WAIT).until(() -> smsc.heldResponses() == 1);
    // While the resp is held no receipt may go out.
    assertThat(c.received).isEmpty();
    smsc.releaseResponses(false);
    String messageId = id.get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> c.received.size() == 1);
    DeliverSm receipt = c.received.get(0);
    assertThat(receipt.isSmscDeliveryReceipt()).isTrue();
    String text = new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
    assertThat(text)
        .matches(
            "id:\\d+ sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD"
                + " err:000 text:Hello from the test ");
    DeliveryReceipt parsed = receipt.getShortMessageAsDeliveryReceipt();
    assertThat(Long.parseLong(parsed.getId())).isEqualTo(Long.parseLong(messageId, 16));
    assertThat(
            ((OptionalParameter.COctetString)
                    receipt.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID))
                .getValueAsString())
        .isEqualTo(messageId);
    assertThat(
            ((OptionalParameter.Byte)
                    receipt.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE))
                .getValue())
        .isEqualTo((byte) 2);
    assertThat(receipt.getSourceAddr()).isEqualTo("447700900123");
    assertThat(receipt.getDestAddress()).isEqualTo("Switchbd");
    await().atMost(WAIT).until(() -> smsc.deliverResponses().getOrDefault(0, 0L) == 1L);
  }

  @Test
  void textOnlyReceiptsAndReceiptsByHand() throws Exception {
    TestClient c = bind();
    smsc.autoReceipts(null);
    smsc.receiptTlv(false);
    String id = c.submit("447700900123", "abc".getBytes(), true);
    assertThat(smsc.sendReceipt(id, "UNDELIV", "007")).isZero();
    assertThat(c.received).hasSize(1);
    DeliverSm receipt = c.received.get(0);
    assertThat(receipt.getOptionalParameters()).isEmpty();
    assertThat(new String(receipt.getShortMessage(), StandardCharsets.US_ASCII))
        .startsWith("id:" + id + " sub:001 dlvrd:000 ")
        .contains("stat:UNDELIV err:007 text:abc");
  }

  @Test
  void receiptBeforeResponseIsSeenInThatOrderByTheClient() throws Exception {
    TestClient c = bind();
    smsc.receiptBeforeResponse(true);
    String id = c.submit("447700900123", "first".getBytes(), true);
    assertThat(c.events).containsExactly("receipt:" + id, "resp:" + id);
  }

  @Test
  void throttledAndFailedSubmitsGetTheirStatuses() throws Exception {
    TestClient c = bind();
    smsc.throttleNext(1);
    smsc.failNext(2, SMPPConstant.STAT_ESME_RSUBMITFAIL);
    assertThat(submitStatus(c)).isEqualTo(SMPPConstant.STAT_ESME_RTHROTTLED);
    assertThat(submitStatus(c)).isEqualTo(SMPPConstant.STAT_ESME_RSUBMITFAIL);
    assertThat(submitStatus(c)).isEqualTo(SMPPConstant.STAT_ESME_RSUBMITFAIL);
    assertThat(submitStatus(c)).isZero();
    assertThat(smsc.submitted())
        .extracting(SubmittedMessage::commandStatus)
        .containsExactly(0x58, 0x45, 0x45, 0);
    assertThat(smsc.submitted().get(0).messageId()).isNull();
    assertThat(smsc.submitted().get(3).messageId()).isNotNull();
  }

  @Test
  void heldResponsesReleasedInReverseReachTheClientOutOfOrder() throws Exception {
    TestClient c = bind();
    smsc.autoReceipts(null);
    smsc.holdResponses();
    List<CompletableFuture<String>> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String to = "44770090000" + i;
      ids.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return c.submit(to, to.getBytes(), false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
      int held = i;
      // One at a time, so the arrival order is known.
      await().atMost(WAIT).until(() -> smsc.heldResponses() == held);
    }
    assertThat(ids).noneMatch(CompletableFuture::isDone);
    assertThat(smsc.releaseResponses(true)).isEqualTo(3);

    List<String> answered = new ArrayList<>();
    for (CompletableFuture<String> f : ids) {
      answered.add(f.get(5, TimeUnit.SECONDS));
    }
    assertThat(answered)
        .containsExactlyElementsOf(
            smsc.submitted().stream().map(SubmittedMessage::messageId).toList());
    Integer[] sequences = c.submitRespSequences.toArray(Integer[]::new);
    Integer[] descending = sequences.clone();
    Arrays.sort(descending, (a, b) -> b - a);
    assertThat(sequences).hasSize(3).containsExactly(descending);
  }

  @Test
  void droppedConnectionsAreSeenByTheClient() throws Exception {
    TestClient c = bind();
    await().atMost(WAIT).until(() -> smsc.boundSessions() == 1);
    assertThat(smsc.dropConnections()).isEqualTo(1);
    await().atMost(WAIT).until(() -> c.session.getSessionState() == SessionState.CLOSED);
    await().atMost(WAIT).until(() -> smsc.boundSessions() == 0);
    assertThat(smsc.unbinds()).isZero();
  }

  @Test
  void aLongGsm7MoArrivesAsTwoPartsWithAValidUdh() throws Exception {
    TestClient c = bind();
    // The euro sign (an escape pair) would straddle septet 153: it must move whole to part two.
    String text = "a".repeat(152) + "\u20AC" + "b".repeat(40);
    assertThat(smsc.sendMo("447700900123", "2020", text)).isEqualTo(2);

    assertThat(c.received).hasSize(2);
    StringBuilder joined = new StringBuilder();
    int ref = -1;
    for (int seq = 1; seq <= 2; seq++) {
      DeliverSm part = c.received.get(seq - 1);
      assertThat(part.getEsmClass()).isEqualTo((byte) 0x40);
      assertThat(part.getDataCoding()).isEqualTo((byte) 0x00);
      assertThat(part.getSourceAddr()).isEqualTo("447700900123");
      byte[] sm = part.getShortMessage();
      assertThat(Arrays.copyOfRange(sm, 0, 3)).containsExactly(0x05, 0x00, 0x03);
      assertThat(sm[4]).isEqualTo((byte) 2);
      assertThat(sm[5]).isEqualTo((byte) seq);
      if (ref >= 0) {
        assertThat(sm[3] & 0xFF).isEqualTo(ref);
      }
      ref = sm[3] & 0xFF;
      assertThat(sm.length - 6).isLessThanOrEqualTo(153);
      joined.append(Gsm7.decode(Arrays.copyOfRange(sm, 6, sm.length)));
    }
    assertThat(c.received.get(0).getShortMessage()).hasSize(6 + 152);
    assertThat(joined.toString()).isEqualTo(text);
  }

  @Test
  void anEmojiMoArrivesAsUcs2() throws Exception {
    TestClient c = bind();
    String text = "Hi \uD83D\uDE00";
    assertThat(smsc.sendMo("447700900123", "2020", text)).isEqualTo(1);
    DeliverSm mo = c.received.get(0);
    assertThat(mo.getDataCoding()).isEqualTo((byte) 0x08);
    assertThat(mo.getEsmClass()).isEqualTo((byte) 0x00);
    assertThat(mo.getShortMessage()).containsExactly(text.getBytes(StandardCharsets.UTF_16BE));
  }

  @Test
  void aDeliverSmAnsweredRxTAppnIsRedelivered() throws Exception {
    TestClient c = bind();
    c.refuseDeliveries.set(1);
    byte[] raw = {0x41, 0x42};
    assertThat(smsc.sendMoParts("447700900123", "2020", (byte) 0, List.of(raw), false))
        .isEqualTo(1);
    assertThat(c.received).hasSize(2);
    assertThat(c.received.get(1).getShortMessage()).containsExactly(raw);
    assertThat(smsc.redeliveries()).isEqualTo(1);
    assertThat(smsc.deliverResponses()).containsEntry(0x64, 1L).containsEntry(0, 1L);

    c.refuseDeliveries.set(10);
    assertThatThrownBy(() -> smsc.sendMo("447700900123", "2020", "again"))
        .isInstanceOfSatisfying(
            DeliverSmFailedException.class,
            e -> assertThat(e.commandStatus()).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN));
    // The first try and two redeliveries.
    assertThat(c.received).hasSize(5);
  }

  @Test
  void aDeliverSmAnsweredThrottledIsRedelivered() throws Exception {
    TestClient c = bind();
    c.refusalStatus.set(SMPPConstant.STAT_ESME_RTHROTTLED);
    c.refuseDeliveries.set(1);
    assertThat(smsc.sendMo("447700900123", "2020", "throttled")).isEqualTo(1);
    assertThat(c.received).hasSize(2);
    assertThat(smsc.redeliveries()).isEqualTo(1);
    assertThat(smsc.deliverResponses()).containsEntry(0x58, 1L).containsEntry(0, 1L);
  }

  @Test
  void closeIsIdempotentAndEndsTheSessions() throws Exception {
    TestClient c = bind();
    smsc.holdResponses();
    smsc.close();
    smsc.close();
    await().atMost(WAIT).until(() -> c.session.getSessionState() == SessionState.CLOSED);
    assertThatThrownBy(() -> TestClient.bind(smsc.port(), BindType.BIND_TRX, "esme", "secret"))
        .isInstanceOf(java.io.IOException.class);
  }
}
