package dev.switchboard.bench;

import dev.switchboard.bench.drive.EngineClient;
import dev.switchboard.bench.drive.Recipients;
import java.net.http.HttpRequest;
import java.util.function.LongFunction;

/**
 * The requests the load sends, built once and reused (a JDK request is immutable and can be sent
 * again; each send is a new message with a new id): single sends and batches to one channel ({@code
 * sandbox} or {@code sms}), each message to another recipient.
 */
final class Workload {
  private static final int DISTINCT_REQUESTS = 2_048;
  private static final String FILLER = "Switchboard benchmark message, the quick brown fox. ";

  private Workload() {}

  /** A text of exactly {@code size} characters that needs no JSON escaping. */
  static String text(int size) {
    return FILLER.repeat(size / FILLER.length() + 1).substring(0, size);
  }

  static String message(String channel, long i, String text) {
    return "{\"channel\":\""
        + channel
        + "\",\"to\":\""
        + Recipients.of(channel, i)
        + "\",\"text\":\""
        + text
        + "\"}";
  }

  static LongFunction<HttpRequest> singles(EngineClient client, String channel, String text) {
    HttpRequest[] requests = new HttpRequest[DISTINCT_REQUESTS];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = client.post("/v1/messages", message(channel, i, text));
    }
    return n -> requests[(int) (n % requests.length)];
  }

  static LongFunction<HttpRequest> batches(
      EngineClient client, String channel, String text, int batchSize) {
    HttpRequest[] requests = new HttpRequest[Math.max(1, DISTINCT_REQUESTS / batchSize) * 4];
    long recipient = 0;
    for (int i = 0; i < requests.length; i++) {
      StringBuilder body = new StringBuilder("{\"messages\":[");
      for (int m = 0; m < batchSize; m++) {
        body.append(m == 0 ? "" : ",").append(message(channel, recipient++, text));
      }
      requests[i] = client.post("/v1/messages/batch", body.append("]}").toString());
    }
    return n -> requests[(int) (n % requests.length)];
  }
}
