package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookPayloadTest {

  private static List<WebhookPayload.Event> parse(String json) {
    return WebhookPayload.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String page(String... items) {
    return "{\"object\":\"page\",\"entry\":[{\"id\":\"PAGE\",\"time\":1458692752478,\"messaging\":["
        + String.join(",", items)
        + "]}]}";
  }

  @Test
  void theDocumentedMessageIsAMessageFromThePersonToThePage() {
    String item =
        "{\"sender\":{\"id\":\"1254459154682919\"},\"recipient\":{\"id\":\"682498171943165\"},"
            + "\"timestamp\":1458692752478,\"message\":{\"mid\":"
            + "\"mid.1457764197618:41d102a3e1ae206a38\",\"text\":\"hello, world!\"}}";

    assertThat(parse(page(item)))
        .containsExactly(
            new WebhookPayload.Message(
                "mid.1457764197618:41d102a3e1ae206a38",
                "1254459154682919",
                "682498171943165",
                "hello, world!"));
  }

  @Test
  void escapedUnicodeIsRead() {
    String item =
        "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"2\"},"
            + "\"message\":{\"mid\":\"m_1\",\"text\":\"hi \\ud83d\\udc4b\"}}";

    assertThat(parse(page(item)))
        .containsExactly(new WebhookPayload.Message("m_1", "1", "2", "hi 👋"));
  }

  @Test
  void echoesDeliveriesReadsAndTheRestAreToldApart() {
    List<WebhookPayload.Event> events =
        parse(
            page(
                "{\"sender\":{\"id\":\"PAGE\"},\"recipient\":{\"id\":\"1\"},"
                    + "\"message\":{\"is_echo\":true,\"app_id\":7,\"mid\":\"m_echo\",\"text\":\"x\"}}",
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
                    + "\"delivery\":{\"mids\":[\"m_a\",\"m_b\"],\"watermark\":1458668856253}}",
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
                    + "\"delivery\":{\"watermark\":1458668856253}}",
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
                    + "\"read\":{\"watermark\":1458668856253}}",
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
                    + "\"postback\":{\"payload\":\"GO\"}}",
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
                    + "\"message\":{\"mid\":\"m_img\",\"attachments\":[{\"type\":\"image\"}]}}"));

    assertThat(events)
        .containsExactly(
            new WebhookPayload.Echo("m_echo"),
            new WebhookPayload.Delivery("1", List.of("m_a", "m_b"), 1458668856253L),
            new WebhookPayload.Delivery("1", List.of(), 1458668856253L),
            new WebhookPayload.Read("1", 1458668856253L),
            new WebhookPayload.Ignored("postback", "not acted on"),
            new WebhookPayload.Ignored("message", "no text (attachments, stickers)"));
  }

  @Test
  void severalEntriesAreReadInOrder() {
    String body =
        "{\"object\":\"page\",\"entry\":["
            + "{\"messaging\":[{\"sender\":{\"id\":\"1\"},\"read\":{\"watermark\":5}}]},"
            + "{\"messaging\":[{\"sender\":{\"id\":\"2\"},\"read\":{\"watermark\":6}}]}]}";

    assertThat(parse(body))
        .containsExactly(new WebhookPayload.Read("1", 5), new WebhookPayload.Read("2", 6));
  }

  @Test
  void whatIsNotAPageEventIsRefused() {
    assertThatThrownBy(() -> parse("{\"object\":\"instagram\",\"entry\":[]}"))
        .hasMessage("object must be \"page\"");
    assertThatThrownBy(() -> parse("{\"object\":\"page\"}")).hasMessage("entry must be an array");
    assertThatThrownBy(() -> parse("not json")).hasMessage("the body is not JSON");
    assertThatThrownBy(() -> parse("[1]")).hasMessage("the body is not a JSON object");
  }
}
