package dev.switchboard.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageIdsTest {

  @Test
  void randomIdsAreValid() {
    for (int i = 0; i < 1000; i++) {
      String id = MessageIds.random();
      assertThat(id).startsWith("msg_").hasSize(30);
      assertThat(MessageIds.isValid(id)).as(id).isTrue();
    }
  }

  @Test
  void randomIdsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(MessageIds.random());
    }

    assertThat(ids).hasSize(10_000);
  }

  @Test
  void randomIdsCreatedLaterSortAfter() {
    for (int round = 0; round < 5; round++) {
      String earlier = MessageIds.random();
      long then = System.currentTimeMillis();
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofSeconds(1))
          .until(() -> System.currentTimeMillis() >= then + 2);
      String later = MessageIds.random();

      assertThat(later).isGreaterThan(earlier);
    }
  }

  @Test
  void idempotencyKeyIdIsDeterministicAndValid() {
    String id = MessageIds.forIdempotencyKey("acct-1", "order-42");

    assertThat(MessageIds.isValid(id)).isTrue();
    assertThat(MessageIds.forIdempotencyKey("acct-1", "order-42")).isEqualTo(id);
  }

  @Test
  void idempotencyKeyIdDiffersByAccountAndByKey() {
    String id = MessageIds.forIdempotencyKey("acct-1", "order-42");

    assertThat(MessageIds.forIdempotencyKey("acct-2", "order-42")).isNotEqualTo(id);
    assertThat(MessageIds.forIdempotencyKey("acct-1", "order-43")).isNotEqualTo(id);
    // The separator keeps "ab"+"c" apart from "a"+"bc".
    assertThat(MessageIds.forIdempotencyKey("ab", "c"))
        .isNotEqualTo(MessageIds.forIdempotencyKey("a", "bc"));
  }

  @Test
  void wellFormedIdIsValid() {
    assertThat(MessageIds.isValid("msg_0123456789ABCDEFGHJKMNPQRS")).isTrue();
    assertThat(MessageIds.isValid("msg_7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "msg_",
        "MSG_0123456789ABCDEFGHJKMNPQRS",
        "mes_0123456789ABCDEFGHJKMNPQRS",
        "0123456789ABCDEFGHJKMNPQRS",
        "msg-0123456789ABCDEFGHJKMNPQRS",
        "msg_0123456789ABCDEFGHJKMNPQR",
        "msg_0123456789ABCDEFGHJKMNPQRST",
        "msg_0123456789abcdefghjkmnpqrs",
        "msg_0123456789ABCDEFGHJKMNPQRs",
        "msg_I123456789ABCDEFGHJKMNPQRS",
        "msg_L123456789ABCDEFGHJKMNPQRS",
        "msg_O123456789ABCDEFGHJKMNPQRS",
        "msg_U123456789ABCDEFGHJKMNPQRS",
        "msg_8123456789ABCDEFGHJKMNPQRS",
        "msg_0123456789ABCDEFGHJKMNPQR-",
        " msg_0123456789ABCDEFGHJKMNPQRS",
      })
  void malformedIdIsInvalid(String id) {
    assertThat(MessageIds.isValid(id)).isFalse();
  }
}
