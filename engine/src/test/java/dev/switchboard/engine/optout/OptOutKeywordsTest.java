package dev.switchboard.engine.optout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.optout.OptOutKeywords.Change;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptOutKeywordsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "STOP",
        "stop",
        "Stop",
        "  STOP  ",
        "\tstop\n",
        "Stop.",
        "STOP!",
        "STOPALL",
        "unsubscribe",
        "Cancel",
        "END",
        "quit",
        "OptOut",
        "revoke"
      })
  void theKeywordAloneOptsOut(String text) {
    assertThat(OptOutKeywords.of(text)).contains(Change.OPT_OUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"START", "start", " Start ", "YES", "yes!", "UNSTOP", "unstop."})
  void theOptInKeywordsOptBackIn(String text) {
    assertThat(OptOutKeywords.of(text)).contains(Change.OPT_IN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "stop by later",
        "STOP PLEASE",
        "please stop",
        "stopp",
        "S T O P",
        "\"STOP\"",
        "opt out",
        "yes please",
        "started",
        "",
        "   ",
        "."
      })
  void anythingElseIsAnOrdinaryMessage(String text) {
    assertThat(OptOutKeywords.of(text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stop", " Stop. "})
  void theKeywordIsNamedInUpperCase(String text) {
    assertThat(OptOutKeywords.keyword(text)).contains("STOP");
  }

  @org.junit.jupiter.api.Test
  void noTextIsNoKeyword() {
    assertThat(OptOutKeywords.of(null)).isEmpty();
  }
}
