package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.switchboard.testkit.x.XStub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class XDmEventsTest {
  private static final String US = "2244994945";

  private static XDmEvents.Batch parse(String body) {
    return XDmEvents.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAccountActivityMessageCreateIsADmFromItsSenderToItsRecipient() {
    // PROVIDERS.md §5's example, as X sends it.
    String body =
        "{\"for_user_id\":\"2244994945\",\"direct_message_events\":[{\"type\":\"message_create\","
            + "\"id\":\"954491830116155396\",\"created_timestamp\":\"1516403560557\","
            + "\"message_create\":{\"target\":{\"recipient_id\":\"2244994945\"},"
            + "\"sender_id\":\"3001969357\",\"source_app_id\":\"13090192\","
            + "\"message_data\":{\"text\":\"Hello World!\",\"entities\":{}}}}],"
            + "\"apps\":{},\"users\":{}}";

    XDmEvents.Batch batch = parse(body);

    assertThat(batch.messages())
        .containsExactly(
            new XDmEvents.Dm(
                "954491830116155396",
                "3001969357",
                "2244994945",
                "Hello World!",
                Instant.ofEpochMilli(1516403560557L)));
    assertThat(batch.skipped()).isZero();
  }

  @Test
  void ourOwnSentDmsComeBackAndAreLeftOut() {
    XDmEvents.Batch batch = parse(XStub.dmEvent(US, "1", US, "3001969357", "sent by us"));

    assertThat(batch.messages()).isEmpty();
    assertThat(batch.skipped()).isEqualTo(1);
  }

  @Test
  void theActivityApiEnvelopeCarriesTheSameEvents() {
    XDmEvents.Batch batch = parse(XStub.activityDm(US, "77", "3001969357", "via XAA"));

    assertThat(batch.messages()).extracting(XDmEvents.Dm::eventId).containsExactly("77");
    assertThat(batch.messages().get(0).recipientId()).isEqualTo(US);
  }

  @Test
  void otherEventsAreNoMessagesAndABodyThatIsNoObjectIsRefused() {
    assertThat(parse("{\"for_user_id\":\"1\",\"favorite_events\":[{}]}").messages()).isEmpty();
    assertThat(
            parse(
                    "{\"data\":{\"event_type\":\"dm.sent\",\"filter\":{\"user_id\":\"1\"},"
                        + "\"payload\":{\"direct_message_events\":[]}}}")
                .messages())
        .isEmpty();
    assertThat(
            parse(
                    "{\"for_user_id\":\"1\",\"direct_message_events\":[{\"type\":"
                        + "\"message_create\",\"id\":\"5\",\"message_create\":{}}]}")
                .skipped())
        .isEqualTo(1);
    assertThatIllegalArgumentException().isThrownBy(() -> parse("[1,2]"));
    assertThatIllegalArgumentException().isThrownBy(() -> parse("sha256=abc"));
  }
}
