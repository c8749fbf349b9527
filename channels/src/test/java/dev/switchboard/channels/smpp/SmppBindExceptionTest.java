package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.Test;

class SmppBindExceptionTest {
  private static final SmppSettings SETTINGS =
      SmppSettings.create(
          ConfigFactory.parseString("host = smsc, system-id = acme, password = pw123456"),
          ConfigFactory.defaultReference());

  @Test
  void aRefusalNamesTheStatus() {
    SmppBindException e =
        SmppBindException.of(
            SETTINGS,
            new IOException("Receive negative bind response", new NegativeResponseException(0x0D)));
    assertThat(e)
        .hasMessage(
            "bind to smsc:2775 as acme refused: ESME_RBINDFAIL: bind failed (smpp_0x0000000d)");
    assertThat(e.commandStatus()).isEqualTo(0x0D);
  }

  @Test
  void aJsmppMessageQuotingThePasswordIsScrubbedAndItsCauseDropped() {
    IOException jsmpp =
        new IOException(
            "Failed sending bind: value 'pw123456' invalid",
            new IllegalStateException("value 'pw123456' invalid"));
    SmppBindException e = SmppBindException.of(SETTINGS, jsmpp);
    assertThat(e.getMessage()).contains("'***'").doesNotContain("pw123456");
    assertThat(e.getCause()).isNull();
  }

  @Test
  void anIoFailureKeepsItsCause() {
    IOException refused = new IOException("Connection refused");
    SmppBindException e = SmppBindException.of(SETTINGS, refused);
    assertThat(e).hasMessage("bind to smsc:2775 as acme failed: Connection refused");
    assertThat(e.getCause()).isSameAs(refused);
  }
}
