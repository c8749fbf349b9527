package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecipientLanesTest {
  private final RecipientLanes<String> lanes = new RecipientLanes<>();

  @Test
  void oneJobPerRecipientRunsAndTheOthersWaitInOrder() {
    assertThat(lanes.admit("alice", "a1")).isTrue();
    assertThat(lanes.admit("alice", "a2")).isFalse();
    assertThat(lanes.admit("alice", "a3")).isFalse();

    assertThat(lanes.finished("alice")).contains("a2");
    assertThat(lanes.finished("alice")).contains("a3");
    assertThat(lanes.finished("alice")).isEmpty();
    assertThat(lanes.running()).isZero();
  }

  @Test
  void otherRecipientsAreNotHeldUp() {
    assertThat(lanes.admit("alice", "a1")).isTrue();
    assertThat(lanes.admit("alice", "a2")).isFalse();

    assertThat(lanes.admit("bob", "b1")).isTrue();
    assertThat(lanes.running()).isEqualTo(2);
    assertThat(lanes.finished("bob")).isEmpty();
    assertThat(lanes.admit("bob", "b2")).isTrue();
  }

  @Test
  void aRecipientWhoseLaneEmptiedStartsAtOnceAgain() {
    lanes.admit("alice", "a1");
    lanes.finished("alice");

    assertThat(lanes.admit("alice", "a2")).isTrue();
  }
}
