package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SmppAddressTest {

  @Test
  void e164IsInternationalWithoutThePlus() {
    assertThat(SmppAddress.destination("+447700900123"))
        .isEqualTo(new SmppAddress((byte) 1, (byte) 1, "447700900123"));
  }

  @Test
  void longDigitStringsAreInternationalShortOnesNetworkSpecific() {
    assertThat(SmppAddress.source("447700900123"))
        .isEqualTo(new SmppAddress((byte) 1, (byte) 1, "447700900123"));
    assertThat(SmppAddress.source("12345678"))
        .isEqualTo(new SmppAddress((byte) 3, (byte) 0, "12345678"));
  }

  @Test
  void alphanumericSendersAreTon5() {
    assertThat(SmppAddress.source("Switchboard"))
        .isEqualTo(new SmppAddress((byte) 5, (byte) 0, "Switchboard"));
    assertThatThrownBy(() -> SmppAddress.source("Switchboard1"))
        .hasMessageContaining("11 characters");
    assertThatThrownBy(() -> SmppAddress.destination("Bob")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> SmppAddress.destination("+" + "1".repeat(21)))
        .hasMessageContaining("20 digits");
    assertThatThrownBy(() -> SmppAddress.source(" ")).hasMessageContaining("empty");
  }

  @Test
  void validityIsAbsoluteUtcFromCreatedAtPlusTtl() {
    Instant created = Instant.parse("2026-03-15T12:00:00Z");
    assertThat(ValidityPeriod.of(created, 3661)).isEqualTo("260315130101000+");
    assertThat(ValidityPeriod.of(created, 0)).isNull();
  }
}
