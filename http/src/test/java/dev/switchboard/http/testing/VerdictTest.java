package dev.switchboard.http.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testkit.smsc.SubmittedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker's judgement over made-up SMSC records: it fails when it should, and only then. */
class VerdictTest {
  private static final byte GSM_7 = 0x00;
  private static final byte UCS_2 = 0x08;
  private static final byte UDHI = 0x40;
  private static final int THROTTLED = 0x58;

  private final List<SubmittedMessage> submits = new ArrayList<>();
  private final SmscRecord smsc = new SmscRecord(() -> List.copyOf(submits), "delivered");

  @Test
  void anSmscRecordCountsTheAcceptedSubmitsOfAMessageByDestinationAndText() {
    Sent sent = accepted("m1", "+447700900201", "dropped-window-1");
    submit("447700900201", "dropped-window-1", THROTTLED);
    submit("447700900201", "dropped-window-1", 0);
    submit("447700900201", "dropped-window-11", 0);
    submit("447700900202", "dropped-window-1", 0);

    assertThat(smsc.attempts(sent)).isEqualTo(1);

    submit("447700900201", "dropped-window-1", 0);
    assertThat(smsc.attempts(sent)).isEqualTo(2);
  }

  @Test
  void aConcatenatedMessageIsOneAttemptPerFirstPart() {
    String first = "ж".repeat(67);
    String second = "second part";
    Sent sent = accepted("m1", "+447700900203", first + second);
    submitPart("447700900203", first, 1);
    submitPart("447700900203", second, 2);

    assertThat(smsc.attempts(sent)).isEqualTo(1);
  }

  @Test
  void everyMessageAtTheSmscOnceAndDeliveredIsClean() {
    Sent a = accepted("m1", "+447700900204", "clean-1");
    Sent b = accepted("m2", "+447700900205", "clean-2");
    submit("447700900204", "clean-1", 0);
    submit("447700900205", "clean-2", 0);

    Verdict verdict = judge(List.of(a, b), Map.of("m1", "delivered", "m2", "delivered"));

    verdict.assertClean();
    assertThat(verdict.extraSends()).isZero();
  }

  @Test
  void aMessageNeverTerminalIsLost() {
    Sent a = accepted("m1", "+447700900206", "lost-1");
    Sent b = accepted("m2", "+447700900207", "lost-2");
    submit("447700900206", "lost-1", 0);

    Verdict verdict = judge(List.of(a, b), Map.of("m1", "delivered"));

    assertThat(verdict.lost()).singleElement().asString().startsWith("m2 ").contains("accepted");
    assertThatThrownBy(verdict::assertNoneLost)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 of 2 accepted messages not terminal")
        .hasMessageContaining("m2 to +447700900207");
  }

  @Test
  void moreSubmitsThanTheBoundFailInAllOrForOneMessage() {
    Sent a = accepted("m1", "+447700900208", "twice-1");
    Sent b = accepted("m2", "+447700900209", "thrice-2");
    submit("447700900208", "twice-1", 0);
    submit("447700900208", "twice-1", 0);
    for (int i = 0; i < 3; i++) {
      submit("447700900209", "thrice-2", 0);
    }

    Verdict verdict = judge(List.of(a, b), Map.of("m1", "delivered", "m2", "delivered"));

    assertThat(verdict.extraSends()).isEqualTo(3);
    assertThat(verdict.mostExtraSends()).isEqualTo(2);
    verdict.assertNoneLost().assertNoneUnexpected().assertDuplicatesAtMost(3, 2);
    assertThatThrownBy(() -> verdict.assertDuplicatesAtMost(2))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("3 extra provider sends (at most 2 allowed)");
    assertThatThrownBy(() -> verdict.assertDuplicatesAtMost(4, 1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("up to 2 for one message (at most 1 allowed)")
        .hasMessageContaining("m2 to +447700900209 status=delivered providerAttempts=3");
  }

  @Test
  void aMessageNeverAtTheSmscOrInAnotherStatusIsUnexpected() {
    Sent a = accepted("m1", "+447700900210", "unsent-1");
    Sent b = accepted("m2", "+447700900211", "failed-2");
    submit("447700900211", "failed-2", 0);

    Verdict verdict = judge(List.of(a, b), Map.of("m1", "delivered", "m2", "failed"));

    assertThat(verdict.unexpected())
        .containsExactly(
            "m1 to +447700900210 status=delivered providerAttempts=0, fewer than the 1 needed",
            "m2 to +447700900211 status=failed providerAttempts=1, expected delivered");
    assertThatThrownBy(verdict::assertNoneUnexpected).isInstanceOf(AssertionError.class);
  }

  private Verdict judge(List<Sent> sends, Map<String, String> terminal) {
    Tally tally = Tally.of(sends, terminal, smsc, id -> "accepted");
    return new Verdict(
        "made up",
        sends.size(),
        sends.size(),
        0,
        Duration.ofSeconds(1),
        0,
        Map.of(),
        tally.lost(),
        tally.unexpected(),
        tally.duplicates(),
        tally.extraSends(),
        tally.mostExtraSends(),
        -1,
        List.of(),
        List.of(),
        "");
  }

  private static Sent accepted(String id, String to, String text) {
    return new Sent(id, null, "sms", to, text, 202, 0, 0, null);
  }

  /** Plain letters, digits and '-' are the same octets in unpacked GSM-7 as in ASCII. */
  private void submit(String destination, String text, int commandStatus) {
    byte[] septets = text.getBytes(StandardCharsets.US_ASCII);
    submits.add(submitted(destination, (byte) 0, GSM_7, septets, commandStatus));
  }

  private void submitPart(String destination, String text, int seq) {
    byte[] body = text.getBytes(StandardCharsets.UTF_16BE);
    byte[] octets = new byte[6 + body.length];
    byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, (byte) seq};
    System.arraycopy(udh, 0, octets, 0, 6);
    System.arraycopy(body, 0, octets, 6, body.length);
    submits.add(submitted(destination, UDHI, UCS_2, octets, 0));
  }

  private SubmittedMessage submitted(
      String destination, byte esmClass, byte dataCoding, byte[] shortMessage, int commandStatus) {
    return new SubmittedMessage(
        "session",
        "switchboard",
        "Switchboard",
        (byte) 5,
        (byte) 0,
        destination,
        (byte) 1,
        (byte) 1,
        esmClass,
        dataCoding,
        (byte) 1,
        null,
        shortMessage,
        null,
        commandStatus == 0 ? Integer.toHexString(submits.size() + 1) : null,
        commandStatus,
        Instant.now());
  }
}
