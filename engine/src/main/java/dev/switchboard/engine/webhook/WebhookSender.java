package dev.switchboard.engine.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes one delivery attempt of a stored event: checks the target against the policy (the URL, then
 * the addresses it resolves to now), signs the body with a fresh timestamp and POSTs it, never
 * following redirects. Completes with an {@link Attempt}, never exceptionally.
 */
public final class WebhookSender {
  public static final String EVENT_ID_HEADER = "Switchboard-Event-Id";

  private final HttpClient client;
  private final WebhookSettings settings;
  private final TargetPolicy policy;
  private final Map<String, WebhookAccount> accounts;
  private final Executor blocking;
  private final Clock clock;

  public WebhookSender(
      WebhookSettings settings,
      Map<String, WebhookAccount> accounts,
      Executor blocking,
      Clock clock) {
    this.settings = settings;
    this.policy = settings.policy();
    this.accounts = Map.copyOf(accounts);
    this.blocking = blocking;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public CompletableFuture<Attempt> send(OutboxRow row) {
    WebhookAccount account = accounts.get(row.account());
    if (account == null || account.secret() == null) {
      return CompletableFuture.completedFuture(
          new Attempt.Refused("account " + row.account() + " has no webhook secret configured"));
    }
    Optional<String> refused = policy.checkUrl(row.url());
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(
          new Attempt.Refused("target refused: url " + refused.get()));
    }
    URI uri = URI.create(row.url());
    return checkResolved(uri.getHost())
        .thenCompose(
            check ->
                check.isPresent()
                    ? CompletableFuture.completedFuture(check.get())
                    : post(uri, row, account.secret()))
        .exceptionally(WebhookSender::describe);
  }

  // DNS rebinding: a name that was public when the message was accepted may not be now.
  private CompletableFuture<Optional<Attempt>> checkResolved(String host) {
    if (settings.allowPrivate()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return policy
                .checkAddresses(host, Arrays.asList(InetAddress.getAllByName(host)))
                .map(reason -> (Attempt) new Attempt.Refused("target refused: url " + reason));
          } catch (UnknownHostException e) {
            return Optional.of(new Attempt.Failed("unknown host"));
          }
        },
        blocking);
  }

  private CompletableFuture<Attempt> post(URI uri, OutboxRow row, String secret) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/json")
            .header(EVENT_ID_HEADER, row.id())
            .header(
                Signature.HEADER,
                Signature.header(secret, clock.instant().getEpochSecond(), row.body()))
            .POST(HttpRequest.BodyPublishers.ofString(row.body()))
            .build();
    long bound = settings.connectTimeout().plus(settings.requestTimeout()).toMillis();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        // The request timeout covers the headers only; this bounds a body that never ends.
        .orTimeout(bound, TimeUnit.MILLISECONDS)
        .thenApply(
            response ->
                response.statusCode() / 100 == 2
                    ? new Attempt.Delivered(response.statusCode())
                    : new Attempt.Failed("HTTP " + response.statusCode()));
  }

  /** Our words for a failed attempt; never a stack trace, never the receiver's body. */
  static Attempt describe(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return new Attempt.Failed("connect timeout");
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new Attempt.Failed("timeout");
    }
    if (cause instanceof ConnectException) {
      return new Attempt.Failed("connection refused");
    }
    if (cause instanceof UnknownHostException) {
      return new Attempt.Failed("unknown host");
    }
    if (cause instanceof IOException) {
      return new Attempt.Failed("connection failed");
    }
    return new Attempt.Failed("delivery failed: " + cause.getClass().getSimpleName());
  }
}
