package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.provider.DeliveryReceipt;
import org.junit.jupiter.api.Test;

class ReceiptTextTest {

  @Test
  void parsesTheAppendixBFormat() {
    ReceiptText r =
        ReceiptText.parse(
            "id:0123456789 sub:001 dlvrd:001 submit date:2603151200 done date:2603151201"
                + " stat:DELIVRD err:000 text:Hello stat:UNDELIV");
    assertThat(r)
        .isEqualTo(
            new ReceiptText(
                "0123456789",
                "001",
                "001",
                "2603151200",
                "2603151201",
                "DELIVRD",
                "000",
                "Hello stat:UNDELIV"));
  }

  @Test
  void acceptsCapitalTextTwelveDigitDatesAndMissingFields() {
    ReceiptText r =
        ReceiptText.parse("id:abc submit date:260315120059 stat:UNDELIV err:001 Text:x");
    assertThat(r.id()).isEqualTo("abc");
    assertThat(r.submitDate()).isEqualTo("260315120059");
    assertThat(r.doneDate()).isNull();
    assertThat(r.sub()).isNull();
    assertThat(r.stat()).isEqualTo("UNDELIV");
    assertThat(r.text()).isEqualTo("x");
    assertThat(ReceiptText.parse("stat:ENROUTE").id()).isNull();
  }

  @Test
  void statesMapToOutcomesAndCodes() {
    assertThat(ReceiptState.ofStat("DELIVRD").outcome())
        .isEqualTo(DeliveryReceipt.Outcome.DELIVERED);
    assertThat(ReceiptState.ofStat("DELIVRD").errorCode("000")).isNull();
    assertThat(ReceiptState.ofStat("EXPIRED").outcome()).isEqualTo(DeliveryReceipt.Outcome.EXPIRED);
    for (String failed : new String[] {"UNDELIV", "REJECTD", "DELETED", "UNKNOWN"}) {
      assertThat(ReceiptState.ofStat(failed).outcome()).isEqualTo(DeliveryReceipt.Outcome.FAILED);
    }
    assertThat(ReceiptState.ofStat("undeliv").errorCode("001")).isEqualTo("smpp_undeliv_err_001");
    assertThat(ReceiptState.ofStat("REJECTD").errorCode(null)).isEqualTo("smpp_rejectd");
    assertThat(ReceiptState.ofStat("EXPIRED").errorCode("")).isEqualTo("smpp_expired");
    assertThat(ReceiptState.ofStat("ENROUTE").isFinal()).isFalse();
    assertThat(ReceiptState.ofStat("ACCEPTD").isFinal()).isFalse();
    assertThat(ReceiptState.ofStat("BOGUS")).isNull();
  }

  @Test
  void messageStateTlvValues() {
    assertThat(ReceiptState.ofMessageState(1)).isEqualTo(ReceiptState.ENROUTE);
    assertThat(ReceiptState.ofMessageState(2)).isEqualTo(ReceiptState.DELIVRD);
    assertThat(ReceiptState.ofMessageState(3)).isEqualTo(ReceiptState.EXPIRED);
    assertThat(ReceiptState.ofMessageState(4)).isEqualTo(ReceiptState.DELETED);
    assertThat(ReceiptState.ofMessageState(5)).isEqualTo(ReceiptState.UNDELIV);
    assertThat(ReceiptState.ofMessageState(6)).isEqualTo(ReceiptState.ACCEPTD);
    assertThat(ReceiptState.ofMessageState(7)).isEqualTo(ReceiptState.UNKNOWN);
    assertThat(ReceiptState.ofMessageState(8)).isEqualTo(ReceiptState.REJECTD);
    assertThat(ReceiptState.ofMessageState(0)).isNull();
    assertThat(ReceiptState.ofMessageState(9)).isNull();
  }
}
