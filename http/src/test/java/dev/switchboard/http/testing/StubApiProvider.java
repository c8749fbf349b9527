package dev.switchboard.http.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A test-only provider over an HTTP SMS API ({@link StubSmsApi}), mapped the way an HTTP provider
 * maps answers: {@code 2xx} sent (and reported delivered at once, naming our id), {@code 429}
 * throttled, {@code 5xx} transient, any other status permanent; no answer is an unknown outcome.
 * Its instance block names the API by {@code url}.
 */
public final class StubApiProvider implements ProviderAdapter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final String channel;
  private final URI url;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  StubApiProvider(ProviderContext context) {
    this.name = context.name();
    this.channel = context.channel();
    this.url = URI.create(context.config().getString("url"));
  }

  @Override
  public String peer() {
    return url.getHost() + ":" + url.getPort();
  }

  @Override
  public boolean receiptsNameOurIds() {
    return true;
  }

  @Override
  public ProviderSession open(ProviderEvents events) {
    return new ProviderSession() {
      @Override
      public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
        return post(message, events);
      }

      @Override
      public void close() {}
    };
  }

  private CompletionStage<SendOutcome> post(OutboundMessage message, ProviderEvents events) {
    String body;
    try {
      body = MAPPER.writeValueAsString(Map.of("id", message.id(), "to", message.to()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(response -> outcome(message, response.statusCode(), events));
  }

  private SendOutcome outcome(OutboundMessage message, int status, ProviderEvents events) {
    if (status / 100 == 2) {
      String providerId = "stub-" + message.id();
      // The handset's receipt comes a little after the answer, as a real provider's does.
      CompletableFuture.runAsync(
          () ->
              events.receipt(
                  new DeliveryReceipt(
                      channel,
                      name,
                      providerId,
                      message.id(),
                      DeliveryReceipt.Outcome.DELIVERED,
                      null,
                      Instant.now())),
          CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
      return new SendOutcome.Sent(providerId);
    }
    if (status == 429) {
      return new SendOutcome.Throttled("http_429", null);
    }
    if (status / 100 == 5) {
      return new SendOutcome.TransientFailure("http_" + status, "server error", null);
    }
    return new SendOutcome.PermanentFailure("http_" + status, "refused");
  }
}
