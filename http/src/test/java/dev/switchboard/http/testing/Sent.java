package dev.switchboard.http.testing;

/**
 * One {@code POST /v1/messages} and what the API answered: the message id when it was accepted
 * ({@code 202}, or {@code 200} for a repeated {@code Idempotency-Key}), null otherwise.
 *
 * @param key the {@code Idempotency-Key} sent, or null
 * @param text the text sent, unique to this send: how a {@link ProviderRecord} that never sees our
 *     ids (an SMSC) tells the message apart
 * @param startedNanos {@link System#nanoTime()} when the request was begun
 * @param endedNanos {@link System#nanoTime()} when its answer was read
 */
public record Sent(
    String id,
    String key,
    String channel,
    String to,
    String text,
    int status,
    long startedNanos,
    long endedNanos,
    TestNode.Response response) {

  /** The recipient the sandbox sends at once. */
  public static final String NORMAL = "+447700900123";

  /** The sandbox fails it transiently twice, then sends it: three attempts. */
  public static final String RETRYING = "+447700900002";

  /** Accepted: the message has an id and the API promised to deliver it. */
  public boolean accepted() {
    return status == 202 || status == 200;
  }

  /** Refused for now ({@code 503}): the client may retry, with its key if it sent one. */
  public boolean refused() {
    return status == 503;
  }

  /** This send as if it had been answered with {@code id} (a refused send's key names one). */
  public Sent withId(String id) {
    return new Sent(id, key, channel, to, text, status, startedNanos, endedNanos, response);
  }

  public String body() {
    return response.body();
  }

  public long millis() {
    return (endedNanos - startedNanos) / 1_000_000;
  }

  @Override
  public String toString() {
    return status + " " + (id == null ? body() : id + " to " + to);
  }
}
