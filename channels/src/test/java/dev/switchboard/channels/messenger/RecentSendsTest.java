package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentSendsTest {

  @Test
  void aWatermarkCoversTheSendsAnsweredByThenToThatPersonOnly() {
    RecentSends recent = new RecentSends(100);
    recent.sent("alice", "m1", Instant.ofEpochMilli(1000));
    recent.sent("bob", "m2", Instant.ofEpochMilli(1500));
    recent.sent("alice", "m3", Instant.ofEpochMilli(2000));
    recent.sent("alice", "m4", Instant.ofEpochMilli(3000));

    assertThat(recent.sentBy("alice", 2000)).containsExactly("m1", "m3");
    assertThat(recent.sentBy("alice", 999)).isEmpty();
    assertThat(recent.sentBy("carol", 9999)).isEmpty();
    recent.forget("alice", 2000);
    assertThat(recent.sentBy("alice", 9999)).containsExactly("m4");
    assertThat(recent.sentBy("bob", 9999)).containsExactly("m2");
  }

  @Test
  void theOldestSendsAreForgottenBeyondCapacity() {
    RecentSends recent = new RecentSends(3);
    for (int i = 1; i <= 5; i++) {
      recent.sent(i % 2 == 0 ? "alice" : "bob", "m" + i, Instant.ofEpochMilli(i));
    }

    assertThat(recent.size()).isEqualTo(3);
    assertThat(recent.sentBy("bob", 99)).containsExactly("m3", "m5");
    assertThat(recent.sentBy("alice", 99)).containsExactly("m4");
  }

  @Test
  void forgottenSendsAreNotEvictedTwice() {
    RecentSends recent = new RecentSends(2);
    recent.sent("alice", "m1", Instant.ofEpochMilli(1));
    recent.forget("alice", 1);
    recent.sent("alice", "m2", Instant.ofEpochMilli(2));
    recent.sent("alice", "m3", Instant.ofEpochMilli(3));

    assertThat(recent.sentBy("alice", 99)).containsExactly("m2", "m3");
  }

  @Test
  void zeroRemembersNothing() {
    RecentSends recent = new RecentSends(0);
    recent.sent("alice", "m1", Instant.ofEpochMilli(1));

    assertThat(recent.sentBy("alice", 99)).isEmpty();
  }
}
