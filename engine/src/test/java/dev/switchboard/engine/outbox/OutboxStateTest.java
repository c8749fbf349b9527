package dev.switchboard.engine.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The mode the API reads, and the hand-back its own publishes wait for. */
class OutboxStateTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final OutboxState state = new OutboxState("sandbox", 0, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void directWithNothingOwedAtFirst() {
    assertThat(state.direct()).isTrue();
    assertThat(state.handedBack()).isDone();
  }

  @Test
  void afterAHandBackTheApiWaitsUntilTheRelayHasPublishedWhatItOwed() {
    state.backlogged(NOW);
    assertThat(state.direct()).isFalse();

    state.caughtUp();
    assertThat(state.direct()).isTrue();
    assertThat(state.handedBack()).isNotDone();

    state.cleared();
    assertThat(state.handedBack()).isDone();
  }

  @Test
  void aPublishWaitingForTheHandBackIsReleasedWhenTheRelayTakesOverAgain() {
    state.backlogged(NOW);
    state.caughtUp();
    var waiting = state.handedBack();

    state.backlogged(NOW.plusSeconds(1));

    assertThat(waiting).isDone();
    assertThat(state.direct()).as("the waiting publish leaves the message to the relay").isFalse();
  }
}
