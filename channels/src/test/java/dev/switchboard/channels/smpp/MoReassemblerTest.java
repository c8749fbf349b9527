package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MoReassemblerTest {
  private static final Instant T0 = Instant.parse("2026-03-15T12:00:00Z");

  @Test
  void completesInAnyOrderIgnoringDuplicates() {
    MoReassembler r = new MoReassembler(Duration.ofMinutes(5));
    assertThat(r.add("447700900123", "1234", new MoPart.Concat(7, 3, 3), "c", T0)).isEmpty();
    assertThat(r.add("447700900123", "1234", new MoPart.Concat(7, 3, 1), "a", T0)).isEmpty();
    assertThat(r.add("447700900123", "1234", new MoPart.Concat(7, 3, 1), "A", T0)).isEmpty();
    MoReassembler.Complete complete =
        r.add("447700900123", "1234", new MoPart.Concat(7, 3, 2), "b", T0).orElseThrow();
    assertThat(complete.text()).isEqualTo("abc");
    r.release(complete.key());
    assertThat(r.pendingCount()).isZero();
  }

  @Test
  void aCompleteMessageNotYetReleasedCompletesAgainWhenItsLastPartIsResent() {
    MoReassembler r = new MoReassembler(Duration.ofMinutes(5));
    r.add("1", "9", new MoPart.Concat(7, 2, 1), "a", T0);
    assertThat(r.add("1", "9", new MoPart.Concat(7, 2, 2), "b", T0)).isPresent();
    assertThat(r.add("1", "9", new MoPart.Concat(7, 2, 2), "b", T0).map(c -> c.text()))
        .contains("ab");
  }

  @Test
  void partsOfDifferentSendersOrReferencesDoNotMix() {
    MoReassembler r = new MoReassembler(Duration.ofMinutes(5));
    r.add("1", "9", new MoPart.Concat(7, 2, 1), "a", T0);
    assertThat(r.add("2", "9", new MoPart.Concat(7, 2, 2), "b", T0)).isEmpty();
    assertThat(r.add("1", "9", new MoPart.Concat(8, 2, 2), "b", T0)).isEmpty();
    assertThat(r.add("1", "8", new MoPart.Concat(7, 2, 2), "b", T0)).isEmpty();
    assertThat(r.add("1", "9", new MoPart.Concat(7, 3, 2), "b", T0)).isEmpty();
    assertThat(r.add("1", "9", new MoPart.Concat(7, 2, 2), "b", T0).map(c -> c.text()))
        .contains("ab");
  }

  @Test
  void incompleteMessagesExpireAfterTheMaxAge() {
    MoReassembler r = new MoReassembler(Duration.ofMinutes(5));
    r.add("1", "9", new MoPart.Concat(7, 2, 1), "a", T0);
    r.add("1", "9", new MoPart.Concat(8, 2, 1), "a", T0.plusSeconds(200));
    assertThat(r.expire(T0.plusSeconds(300))).isEmpty();
    assertThat(r.expire(T0.plusSeconds(301)))
        .containsExactly(new MoReassembler.Expired(new MoReassembler.Key("1", "9", 7, 2), 1, T0));
    assertThat(r.pendingCount()).isEqualTo(1);
  }
}
