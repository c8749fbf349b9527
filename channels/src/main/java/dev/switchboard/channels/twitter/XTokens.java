package dev.switchboard.channels.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.provider.ProviderState;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's OAuth 2.0 user token pair, kept fresh: renewed through the refresh-token grant
 * ({@code POST /2/oauth2/token}) when X rejects the access token, or shortly before it expires when
 * its expiry is known. X rotates refresh tokens (each refresh answers a new one and the old one
 * stops working), so a renewed pair is written to the {@link ProviderState} with the version it
 * replaces: a restart, or the same instance on another node, goes on with it, and a node whose
 * refresh lost the race takes the pair the winner wrote. A stored pair is used only while the
 * configured refresh token is the one it descends from: an operator who configures a new pair
 * (after authorising the app again) replaces it. One renewal at a time; thread-safe.
 */
final class XTokens {
  static final String STATE_KEY = "oauth2-token";
  private static final Logger LOG = LoggerFactory.getLogger(XTokens.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // A proactive renewal that failed is not tried again sooner than this (the token still works).
  private static final Duration PROACTIVE_RETRY = Duration.ofSeconds(30);

  /**
   * One access token with what renews it.
   *
   * @param expiresAt null when unknown (the configured token)
   * @param version the stored pair's version this one is, or replaces (0: none stored)
   */
  record Token(String access, String refresh, Instant expiresAt, long version) {
    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + ", version=" + version + ", ***]";
    }
  }

  private final String provider;
  private final XSettings settings;
  private final HttpClient http;
  private final ProviderState state;
  private final Clock clock;
  private final String seed;
  private final List<String> secrets;
  private Token current;
  private CompletableFuture<Token> renewal;
  private String failure;
  private Instant proactiveNotBefore = Instant.MIN;
  private Token unsaved;
  private boolean saving;

  XTokens(String provider, XSettings settings, HttpClient http, ProviderState state, Clock clock) {
    this.provider = provider;
    this.settings = settings;
    this.http = http;
    this.state = state;
    this.clock = clock;
    this.seed = sha256(settings.refreshToken());
    this.secrets =
        List.of(settings.accessToken(), settings.refreshToken(), settings.clientSecret());
  }

  private boolean stored() {
    return settings.persistTokens() && settings.refreshable();
  }

  /**
   * Makes the instance ready to send: loads the pair (the stored one, or the configured one), and
   * renews it when the last renewal failed or it has expired. Blocks up to {@code timeout}; for
   * opening a session.
   *
   * @throws XAuthException when there is no token X takes now, with why
   */
  void ready(Duration timeout) throws XAuthException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Token token;
    boolean renew;
    synchronized (this) {
      if (current == null) {
        current = load(timeout);
      }
      token = current;
      renew =
          failure != null
              || token.expiresAt() != null
                  && settings.refreshable()
                  && !clock.instant().isBefore(token.expiresAt());
    }
    if (renew) {
      await(renewAfter(token), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /** The token to send with; renewed first when it is about to expire. */
  CompletableFuture<Token> current() {
    Token token;
    synchronized (this) {
      if (unsaved != null && !saving) {
        saveAgain(unsaved);
      }
      token = current;
      if (token == null) {
        return CompletableFuture.failedFuture(new XAuthException("the token was not loaded"));
      }
      Instant now = clock.instant();
      boolean due =
          token.expiresAt() != null
              && settings.refreshable()
              && !now.isBefore(token.expiresAt().minus(settings.refreshAhead()))
              && !now.isBefore(proactiveNotBefore);
      if (!due) {
        return CompletableFuture.completedFuture(token);
      }
      proactiveNotBefore = now.plus(PROACTIVE_RETRY);
    }
    return renewAfter(token)
        .handle(
            (fresh, error) -> {
              if (error == null) {
                return fresh;
              }
              if (clock.instant().isBefore(token.expiresAt())) {
                LOG.warn(
                    "x token renewal ahead of expiry failed, the current one is used until {}:"
                        + " provider={} cause={}",
                    token.expiresAt(),
                    provider,
                    describe(error));
                return token;
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }

  /**
   * A token X has not rejected yet: {@code rejected} renewed (once, however many sends ask), or the
   * pair another node or send renewed meanwhile. Fails with {@link XAuthException} when X refuses
   * the refresh or cannot be asked.
   */
  CompletableFuture<Token> renewAfter(Token rejected) {
    CompletableFuture<Token> started;
    synchronized (this) {
      if (current != null && !current.access().equals(rejected.access())) {
        return CompletableFuture.completedFuture(current);
      }
      if (renewal != null) {
        return renewal.thenApply(t -> t);
      }
      started = new CompletableFuture<>();
      renewal = started;
    }
    renew(rejected)
        .whenComplete(
            (fresh, error) -> {
              synchronized (this) {
                renewal = null;
                if (error == null) {
                  current = fresh;
                  failure = null;
                } else {
                  failure = describe(error);
                }
              }
              if (error == null) {
                started.complete(fresh);
              } else {
                started.completeExceptionally(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              }
            });
    return started.thenApply(t -> t);
  }

  /** Why the last renewal failed, or null when the token is fine. */
  synchronized String failure() {
    return failure;
  }

  private CompletableFuture<Token> renew(Token rejected) {
    return newerStored(rejected)
        .thenCompose(
            adopted -> {
              if (adopted.isPresent()) {
                LOG.info(
                    "x token taken from the token store (renewed elsewhere): provider={} version={}",
                    provider,
                    adopted.get().version());
                return CompletableFuture.completedFuture(adopted.get());
              }
              if (!settings.refreshable()) {
                return CompletableFuture.failedFuture(
                    new XAuthException(
                        "X rejected the access token (401) and no refresh token is set: authorise"
                            + " the app again and set SWITCHBOARD_X_ACCESS_TOKEN (with"
                            + " SWITCHBOARD_X_REFRESH_TOKEN, scope offline.access, to renew it)"));
              }
              return refresh(rejected);
            });
  }

  // Another node (or this one before a restart) may have renewed the pair already.
  private CompletableFuture<Optional<Token>> newerStored(Token than) {
    if (!stored()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return state
        .read(provider, STATE_KEY)
        .toCompletableFuture()
        .thenApply(entry -> entry.flatMap(this::parse))
        .thenApply(
            stored ->
                stored.filter(
                    t -> t.version() > than.version() && !t.access().equals(than.access())))
        .exceptionally(
            error -> {
              LOG.warn(
                  "x token store not read, renewing without it: provider={} cause={}",
                  provider,
                  describe(error));
              return Optional.empty();
            });
  }

  private CompletableFuture<Token> refresh(Token rejected) {
    String form =
        "grant_type=refresh_token&refresh_token="
            + encode(rejected.refresh())
            + "&client_id="
            + encode(settings.clientId());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/2/oauth2/token"))
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (settings.confidential()) {
      String basic = settings.clientId() + ":" + settings.clientSecret();
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    Instant asked = clock.instant();
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                return CompletableFuture.<Token>failedFuture(
                    new XAuthException(
                        "the X token endpoint could not be reached to renew the access token: "
                            + describe(error)));
              }
              if (response.statusCode() == 200) {
                return renewed(rejected, response.body(), asked);
              }
              String refusal = refusal(response);
              return newerStored(rejected)
                  .thenCompose(
                      adopted ->
                          adopted
                              .map(CompletableFuture::completedFuture)
                              .orElseGet(
                                  () ->
                                      CompletableFuture.failedFuture(new XAuthException(refusal))));
            })
        .thenCompose(stage -> stage);
  }

  private CompletableFuture<Token> renewed(Token rejected, String body, Instant asked) {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      json = null;
    }
    if (json == null || !json.path("access_token").isTextual()) {
      return CompletableFuture.failedFuture(
          new XAuthException("the X token endpoint answered 200 without an access_token"));
    }
    String refresh =
        json.path("refresh_token").isTextual()
            ? json.path("refresh_token").asText()
            : rejected.refresh();
    Instant expiresAt =
        json.path("expires_in").canConvertToLong()
            ? asked.plusSeconds(json.path("expires_in").asLong())
            : null;
    Token fresh =
        new Token(json.path("access_token").asText(), refresh, expiresAt, rejected.version());
    LOG.info(
        "x access token renewed: provider={} expiresAt={} refreshTokenRotated={}",
        provider,
        expiresAt,
        !refresh.equals(rejected.refresh()));
    if (!stored()) {
      return CompletableFuture.completedFuture(fresh);
    }
    return save(fresh);
  }

  // The pair X just gave is the only one that works now: it is kept in memory whatever the store
  // says, and written over the version it replaces.
  private CompletableFuture<Token> save(Token fresh) {
    return state
        .write(provider, STATE_KEY, fresh.version(), serialise(fresh))
        .toCompletableFuture()
        .thenCompose(
            written -> {
              if (written) {
                synchronized (this) {
                  if (unsaved != null && unsaved.access().equals(fresh.access())) {
                    unsaved = null;
                  }
                }
                return CompletableFuture.completedFuture(
                    new Token(
                        fresh.access(), fresh.refresh(), fresh.expiresAt(), fresh.version() + 1));
              }
              // Written by another node meanwhile: ours goes over that version next time.
              return state
                  .read(provider, STATE_KEY)
                  .toCompletableFuture()
                  .thenApply(
                      entry -> {
                        long version = entry.map(ProviderState.Entry::version).orElse(0L);
                        Token rebased =
                            new Token(fresh.access(), fresh.refresh(), fresh.expiresAt(), version);
                        keepUnsaved(rebased);
                        return rebased;
                      });
            })
        .exceptionally(
            error -> {
              LOG.error(
                  "x renewed token not stored, kept in memory and stored again on the next send"
                      + " (a restart before then needs a new authorisation): provider={} cause={}",
                  provider,
                  describe(error));
              keepUnsaved(fresh);
              return fresh;
            });
  }

  private synchronized void keepUnsaved(Token token) {
    unsaved = token;
  }

  // Called with the lock held.
  private void saveAgain(Token token) {
    saving = true;
    save(token)
        .whenComplete(
            (saved, error) -> {
              synchronized (this) {
                saving = false;
                if (current != null && current.access().equals(saved.access())) {
                  current = saved;
                }
              }
            });
  }

  private Token load(Duration timeout) throws XAuthException {
    Token configured = new Token(settings.accessToken(), settings.refreshToken(), null, 0);
    if (!stored()) {
      return configured;
    }
    Optional<ProviderState.Entry> entry;
    try {
      entry =
          state
              .read(provider, STATE_KEY)
              .toCompletableFuture()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new XAuthException("interrupted while reading the token store");
    } catch (ExecutionException | TimeoutException e) {
      throw new XAuthException(
          "the token store (journal database) could not be read: " + describe(e));
    }
    if (entry.isEmpty()) {
      return configured;
    }
    Optional<Token> stored = parse(entry.get());
    if (stored.isPresent()) {
      LOG.info(
          "x token pair loaded from the token store: provider={} version={} expiresAt={}",
          provider,
          stored.get().version(),
          stored.get().expiresAt());
      return stored.get();
    }
    LOG.info(
        "x token store holds a pair of an earlier authorisation; the configured one replaces it:"
            + " provider={}",
        provider);
    return new Token(settings.accessToken(), settings.refreshToken(), null, entry.get().version());
  }

  // A stored pair descends from the configured refresh token, or it is not ours to use.
  private Optional<Token> parse(ProviderState.Entry entry) {
    try {
      JsonNode json = MAPPER.readTree(entry.value());
      if (!seed.equals(json.path("seed").asText())
          || !json.path("access_token").isTextual()
          || !json.path("refresh_token").isTextual()) {
        return Optional.empty();
      }
      Instant expiresAt =
          json.path("expires_at").canConvertToLong()
              ? Instant.ofEpochMilli(json.path("expires_at").asLong())
              : null;
      return Optional.of(
          new Token(
              json.path("access_token").asText(),
              json.path("refresh_token").asText(),
              expiresAt,
              entry.version()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private String serialise(Token token) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("seed", seed);
    json.put("access_token", token.access());
    json.put("refresh_token", token.refresh());
    if (token.expiresAt() != null) {
      json.put("expires_at", token.expiresAt().toEpochMilli());
    }
    return json.toString();
  }

  // X's OAuth error code only: its description is free text.
  private static String refusal(HttpResponse<String> response) {
    String error = null;
    try {
      JsonNode json = MAPPER.readTree(response.body());
      error = json != null && json.path("error").isTextual() ? json.path("error").asText() : null;
    } catch (java.io.IOException e) {
      // not X's JSON: the status says enough
    }
    String what = "HTTP " + response.statusCode() + (error == null ? "" : " " + error);
    if (response.statusCode() == 400 || response.statusCode() == 401) {
      return "X refused to renew the access token ("
          + what
          + "): the refresh token is no longer valid or the client id/secret is wrong; authorise"
          + " the app again and set SWITCHBOARD_X_ACCESS_TOKEN and SWITCHBOARD_X_REFRESH_TOKEN";
    }
    return "the X token endpoint failed to renew the access token (" + what + ")";
  }

  private void await(CompletableFuture<Token> stage, Duration timeout) throws XAuthException {
    try {
      stage.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new XAuthException("interrupted while renewing the access token");
    } catch (TimeoutException e) {
      throw new XAuthException("renewing the access token took longer than " + timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof XAuthException auth) {
        throw auth;
      }
      throw new XAuthException(describe(e));
    }
  }

  String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return Redaction.text(
        message == null || message.isBlank() ? cause.getClass().getSimpleName() : message, secrets);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
