package dev.switchboard.testkit.x;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The X API as a DM-sending client sees it (PROVIDERS.md §5), over real HTTP on 127.0.0.1:
 *
 * <ul>
 *   <li>{@code POST /2/dm_conversations/with/{participant_id}/messages}: checks the bearer token
 *       (one this stub issued and has not expired, else {@code 401}), the participant id ({@code
 *       ^[0-9]{1,19}$}), the JSON content type and body ({@code text} of 1 to 10,000 characters,
 *       nothing else), answers {@code 201 {"data":{"dm_conversation_id","dm_event_id"}}} and
 *       records the DM. Every answer carries {@code x-rate-limit-limit/remaining/reset}; a spent
 *       window is answered {@code 429} until its reset. Errors are {@code application/problem+json}
 *       as X writes them.
 *   <li>{@code POST /2/oauth2/token} with {@code grant_type=refresh_token}: checks the client (HTTP
 *       Basic for a confidential client, {@code client_id} in the body for a public one) and the
 *       refresh token, and rotates: a new access token and a new refresh token, the old refresh
 *       token refused from then on ({@code 400 invalid_request}).
 *   <li>X's side of the webhook: the CRC {@code GET ?crc_token=} and events POSTed with {@code
 *       x-twitter-webhooks-signature} (or badly signed), checked as X checks the CRC answer.
 * </ul>
 *
 * Scriptable while clients use it: failures for the next sends, a usage cap, a rate-limit window,
 * latency, refused connections, expired access tokens and a revoked refresh token. Thread-safe.
 */
public final class XStub implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern DM_PATH =
      Pattern.compile("/2/dm_conversations/with/([^/]+)/messages");
  private static final Pattern USER_ID = Pattern.compile("[0-9]{1,19}");
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String JSON = "application/json; charset=utf-8";
  private static final int MAX_TEXT = 10_000;

  /**
   * How the stub starts.
   *
   * @param userId the user the issued tokens belong to (one side of every conversation id)
   * @param clientSecret null for a public client
   * @param tokenLifetime an issued access token's {@code expires_in}
   * @param rateLimit sends per rate-limit window ({@code x-rate-limit-limit})
   */
  public record Options(
      String userId,
      String clientId,
      String clientSecret,
      String consumerSecret,
      Duration tokenLifetime,
      int rateLimit,
      Duration rateWindow) {

    public static Options defaults() {
      return new Options(
          "2244994945",
          "client-" + UUID.randomUUID(),
          null,
          "consumer-secret-" + UUID.randomUUID(),
          Duration.ofHours(2),
          15,
          Duration.ofMinutes(15));
    }

    public Options withClientSecret(String secret) {
      return new Options(
          userId, clientId, secret, consumerSecret, tokenLifetime, rateLimit, rateWindow);
    }

    public Options withTokenLifetime(Duration lifetime) {
      return new Options(
          userId, clientId, clientSecret, consumerSecret, lifetime, rateLimit, rateWindow);
    }

    public Options withRateLimit(int limit, Duration window) {
      return new Options(
          userId, clientId, clientSecret, consumerSecret, tokenLifetime, limit, window);
    }
  }

  /** A DM the stub took. */
  public record Dm(
      String participantId, String text, String dmEventId, String conversationId, Instant at) {}

  /** A request to the DM endpoint and what it was answered. */
  public record Call(String participantId, String bearer, int status, Instant at) {}

  /** A scripted answer: the status, the body, its content type and extra headers. */
  public record Failure(int status, String body, String contentType, Map<String, String> headers) {

    /** {@code application/problem+json}, as v2 writes errors. */
    public static Failure problem(int status, String type, String title, String detail) {
      ObjectNode body = MAPPER.createObjectNode();
      body.put("title", title);
      body.put("detail", detail);
      body.put("type", type);
      body.put("status", status);
      return new Failure(status, body.toString(), PROBLEM_JSON, Map.of());
    }

    /** The legacy {@code {"errors":[{"code","message"}]}} shape. */
    public static Failure legacy(int status, int code, String message) {
      ObjectNode body = MAPPER.createObjectNode();
      body.putArray("errors").addObject().put("code", code).put("message", message);
      return new Failure(status, body.toString(), JSON, Map.of());
    }

    /** The token endpoint's OAuth error, {@code {"error","error_description"}}. */
    public static Failure oauth(int status, String error, String description) {
      return oauthError(status, error, description);
    }

    /** As X answers a server error. */
    public static Failure serverError(int status) {
      return problem(status, "about:blank", "Service Unavailable", "Service Unavailable");
    }
  }

  /** An issued token pair. */
  public record Tokens(String accessToken, String refreshToken, Instant expiresAt) {
    @Override
    public String toString() {
      return "Tokens[expiresAt=" + expiresAt + "]";
    }
  }

  /** What our webhook answered X. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
      }
    }
  }

  private final Options options;
  private final Clock clock;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong eventIds = new AtomicLong(1_582_103_724_607_971_332L);
  private final ConcurrentLinkedQueue<Dm> accepted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> refreshesUsed = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final int port;
  private HttpServer server;

  // Guarded by this.
  private final Map<String, Instant> accessTokens = new HashMap<>();
  private String refreshToken;
  private final List<Failure> scripted = new ArrayList<>();
  private Failure tokenFailure;
  private Instant cappedUntil;
  private String capPeriod;
  private Instant windowReset;
  private int windowRemaining;
  private Duration latency = Duration.ZERO;

  private XStub(Options options, Clock clock) throws IOException {
    this.options = options;
    this.clock = clock;
    this.server = bind(0);
    this.port = server.getAddress().getPort();
  }

  /** Starts on a free port of 127.0.0.1. */
  public static XStub start(Options options) {
    try {
      return new XStub(options, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpServer bind(int onPort) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
    s.createContext("/", this::handle);
    s.setExecutor(executor);
    s.start();
    return s;
  }

  public Options options() {
    return options;
  }

  /** The base URL to configure a client with ({@code http://127.0.0.1:<port>}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  // ---- tokens ----

  /** Issues a fresh pair (the user authorised the app): earlier tokens stop working. */
  public synchronized Tokens issueTokens() {
    accessTokens.clear();
    return newPair();
  }

  private Tokens newPair() {
    String access = "at-" + UUID.randomUUID();
    Instant expires = clock.instant().plus(options.tokenLifetime());
    accessTokens.put(access, expires);
    refreshToken = "rt-" + UUID.randomUUID();
    return new Tokens(access, refreshToken, expires);
  }

  /** Every access token issued so far is refused from now on ({@code 401}), as after 2 hours. */
  public synchronized void expireAccessTokens() {
    accessTokens.replaceAll((token, expires) -> Instant.EPOCH);
  }

  /** The current refresh token is refused from now on (the user revoked the app). */
  public synchronized void revokeRefreshToken() {
    refreshToken = "revoked-" + UUID.randomUUID();
  }

  /** The token endpoint answers {@code failure} until cleared with null. */
  public synchronized void failTokenRequests(Failure failure) {
    tokenFailure = failure;
  }

  /** The refresh token a client should hold now. */
  public synchronized String refreshToken() {
    return refreshToken;
  }

  /** Requests to the token endpoint, refused ones included. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** The refresh tokens successfully used, in order. */
  public List<String> refreshesUsed() {
    return List.copyOf(refreshesUsed);
  }

  // ---- scripting ----

  /** The next {@code count} DM sends (with a valid token) are answered {@code failure}. */
  public synchronized void failNext(int count, Failure failure) {
    for (int i = 0; i < count; i++) {
      scripted.add(failure);
    }
  }

  /**
   * Every DM send is refused {@code 429 usage-capped} until {@code until} (rounded up to a whole
   * second, as X's reset times are); null lifts it.
   */
  public synchronized void usageCap(String period, Instant until) {
    capPeriod = period;
    cappedUntil = until == null ? null : wholeSecond(until);
  }

  // X's reset times are whole epoch seconds: so are the stub's.
  private static Instant wholeSecond(Instant at) {
    return Instant.ofEpochSecond(at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0));
  }

  /**
   * The current rate-limit window: {@code remaining} sends left until {@code reset} (rounded up to
   * a whole second).
   */
  public synchronized void rateWindow(int remaining, Instant reset) {
    windowRemaining = remaining;
    windowReset = wholeSecond(reset);
  }

  /** Every answer from now on waits this long first. */
  public synchronized void latency(Duration wait) {
    latency = wait;
  }

  /** Stops accepting connections (true) or accepts them again on the same port (false). */
  public synchronized void refuseConnections(boolean refuse) {
    try {
      if (refuse && server != null) {
        server.stop(0);
        server = null;
      } else if (!refuse && server == null) {
        server = bind(port);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- records ----

  /** The DMs taken, in order. */
  public List<Dm> accepted() {
    return List.copyOf(accepted);
  }

  /** Every request to the DM endpoint, in order, with what it was answered. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  // ---- the API ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Duration wait;
      synchronized (this) {
        wait = latency;
      }
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait.toMillis()); // the stub is slow on purpose
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String path = exchange.getRequestURI().getPath();
      Matcher dm = DM_PATH.matcher(path);
      if (dm.matches()) {
        sendDm(exchange, dm.group(1));
      } else if (path.equals("/2/oauth2/token")) {
        token(exchange);
      } else {
        respond(
            exchange,
            Failure.problem(
                404, "about:blank", "Not Found Error", "Sorry, that page does not exist"),
            Map.of());
      }
    }
  }

  private void sendDm(HttpExchange exchange, String participant) throws IOException {
    Instant now = clock.instant();
    if (!exchange.getRequestMethod().equals("POST")) {
      respond(
          exchange,
          Failure.problem(405, "about:blank", "Method Not Allowed", "Use POST"),
          Map.of());
      return;
    }
    String bearer = bearer(exchange);
    byte[] raw = exchange.getRequestBody().readAllBytes();
    Failure failure;
    Map<String, String> limits;
    synchronized (this) {
      limits = rateHeaders(now);
      failure = checkDm(exchange, participant, bearer, raw, now);
      if (failure == null) {
        windowRemaining--;
        limits = rateHeaders(now);
      }
    }
    if (failure != null) {
      calls.add(new Call(participant, bearer, failure.status(), now));
      respond(exchange, failure, limits);
      return;
    }
    String text = MAPPER.readTree(raw).path("text").asText();
    String eventId = String.valueOf(eventIds.incrementAndGet());
    String conversation = conversationId(options.userId(), participant);
    accepted.add(new Dm(participant, text, eventId, conversation, now));
    calls.add(new Call(participant, bearer, 201, now));
    ObjectNode body = MAPPER.createObjectNode();
    body.putObject("data").put("dm_conversation_id", conversation).put("dm_event_id", eventId);
    respond(exchange, new Failure(201, body.toString(), JSON, Map.of()), limits);
  }

  // Called with the lock held; null when the send is taken.
  private Failure checkDm(
      HttpExchange exchange, String participant, String bearer, byte[] raw, Instant now) {
    Instant expires = bearer == null ? null : accessTokens.get(bearer);
    if (expires == null || !now.isBefore(expires)) {
      return Failure.problem(401, "about:blank", "Unauthorized", "Unauthorized");
    }
    if (!USER_ID.matcher(participant).matches()) {
      return invalidParameter(
          "participant_id",
          participant,
          "The `participant_id` query parameter value [" + participant + "] is not valid");
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      return Failure.problem(
          415, "about:blank", "Unsupported Media Type", "Content-Type must be application/json");
    }
    String bodyError = bodyError(raw);
    if (bodyError != null) {
      return invalidRequest(bodyError);
    }
    if (cappedUntil != null && now.isBefore(cappedUntil)) {
      ObjectNode body = MAPPER.createObjectNode();
      body.put("title", "UsageCapExceeded");
      body.put("detail", "Usage cap exceeded: " + capPeriod + " product cap");
      body.put("type", "https://api.twitter.com/2/problems/usage-capped");
      body.put("period", capPeriod);
      body.put("scope", "Product");
      body.put("status", 429);
      return new Failure(
          429,
          body.toString(),
          PROBLEM_JSON,
          Map.of("x-rate-limit-reset", String.valueOf(cappedUntil.getEpochSecond())));
    }
    if (windowRemaining <= 0) {
      return Failure.problem(429, "about:blank", "Too Many Requests", "Too Many Requests");
    }
    if (!scripted.isEmpty()) {
      return scripted.remove(0);
    }
    return null;
  }

  private static String bodyError(byte[] raw) {
    JsonNode body;
    try {
      body = MAPPER.readTree(raw);
    } catch (IOException e) {
      return "The request body is not valid JSON";
    }
    if (body == null || !body.isObject()) {
      return "The request body must be a JSON object";
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("text") && !name.equals("attachments")) {
        return "[" + name + "] is not one of [text,attachments]";
      }
    }
    JsonNode text = body.path("text");
    if (!text.isTextual() || text.asText().isEmpty()) {
      return "$.text: must be at least 1 characters long";
    }
    if (text.asText().codePointCount(0, text.asText().length()) > MAX_TEXT) {
      return "$.text: must be at most " + MAX_TEXT + " characters long";
    }
    return null;
  }

  // The current window's headers, a new window begun once the last one has reset.
  private Map<String, String> rateHeaders(Instant now) {
    if (windowReset == null || !now.isBefore(windowReset)) {
      windowReset = wholeSecond(now.plus(options.rateWindow()));
      windowRemaining = options.rateLimit();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-rate-limit-limit", String.valueOf(options.rateLimit()));
    headers.put("x-rate-limit-remaining", String.valueOf(Math.max(0, windowRemaining)));
    headers.put("x-rate-limit-reset", String.valueOf(windowReset.getEpochSecond()));
    return headers;
  }

  private void token(HttpExchange exchange) throws IOException {
    tokenRequests.incrementAndGet();
    if (!exchange.getRequestMethod().equals("POST")) {
      respond(exchange, oauthError(405, "invalid_request", "Use POST"), Map.of());
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, String> form =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic = exchange.getRequestHeaders().getFirst("Authorization");
    Failure answer;
    synchronized (this) {
      answer = refresh(contentType, form, basic);
    }
    respond(exchange, answer, Map.of());
  }

  // Called with the lock held.
  private Failure refresh(String contentType, Map<String, String> form, String authorization) {
    if (tokenFailure != null) {
      return tokenFailure;
    }
    if (contentType == null
        || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "Missing required parameter [grant_type].");
    }
    if (options.clientSecret() != null) {
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (options.clientId() + ":" + options.clientSecret())
                          .getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(authorization)) {
        return oauthError(401, "unauthorized_client", "Missing valid authorization header");
      }
    } else if (!options.clientId().equals(form.get("client_id"))) {
      return oauthError(400, "invalid_request", "Missing required parameter [client_id].");
    }
    if (!"refresh_token".equals(form.get("grant_type"))) {
      return oauthError(400, "invalid_request", "Missing required parameter [grant_type].");
    }
    String given = form.get("refresh_token");
    if (given == null || !given.equals(refreshToken)) {
      return oauthError(400, "invalid_request", "Value passed for the token was invalid.");
    }
    refreshesUsed.add(given);
    Tokens pair = newPair();
    ObjectNode body = MAPPER.createObjectNode();
    body.put("token_type", "bearer");
    body.put("expires_in", options.tokenLifetime().toSeconds());
    body.put("access_token", pair.accessToken());
    body.put("scope", "dm.write dm.read tweet.read users.read offline.access");
    body.put("refresh_token", pair.refreshToken());
    return new Failure(200, body.toString(), JSON, Map.of());
  }

  private static Failure oauthError(int status, String error, String description) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", error);
    body.put("error_description", description);
    return new Failure(status, body.toString(), JSON, Map.of());
  }

  private static Failure invalidRequest(String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.putArray("errors").addObject().put("message", message);
    body.put("title", "Invalid Request");
    body.put("detail", "One or more parameters to your request was invalid.");
    body.put("type", "https://api.twitter.com/2/problems/invalid-request");
    return new Failure(400, body.toString(), PROBLEM_JSON, Map.of());
  }

  private static Failure invalidParameter(String name, String value, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode errors = body.putArray("errors");
    ObjectNode error = errors.addObject();
    error.putObject("parameters").putArray(name).add(value);
    error.put("message", message);
    body.put("title", "Invalid Request");
    body.put("detail", "One or more parameters to your request was invalid.");
    body.put("type", "https://api.twitter.com/2/problems/invalid-request");
    return new Failure(400, body.toString(), PROBLEM_JSON, Map.of());
  }

  private static String bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    return header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
  }

  private static void respond(HttpExchange exchange, Failure answer, Map<String, String> headers)
      throws IOException {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  /** {@code {low}-{high}}, as X names a one-to-one conversation. */
  static String conversationId(String a, String b) {
    return Long.parseUnsignedLong(a) < Long.parseUnsignedLong(b) ? a + "-" + b : b + "-" + a;
  }

  // ---- X's side of the webhook ----

  /** {@code sha256=<base64 HMAC-SHA256(secret, body)>}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a CRC against {@code webhook} as X does: a {@code GET ?crc_token=}, the answer's {@code
   * response_token} checked against this stub's consumer secret.
   *
   * @return the answer and whether X would take it
   */
  public CrcResult crc(URI webhook, String crcToken) {
    Answer answer =
        call(
            HttpRequest.newBuilder(
                    URI.create(
                        webhook
                            + "?crc_token="
                            + URLEncoder.encode(crcToken, StandardCharsets.UTF_8)))
                .GET());
    String expected = sign(options.consumerSecret(), crcToken.getBytes(StandardCharsets.UTF_8));
    boolean valid = false;
    if (answer.status() == 200) {
      try {
        valid = expected.equals(MAPPER.readTree(answer.body()).path("response_token").asText());
      } catch (IOException e) {
        valid = false;
      }
    }
    return new CrcResult(answer, valid);
  }

  /** A CRC's answer and whether X would mark the webhook valid. */
  public record CrcResult(Answer answer, boolean valid) {}

  /** POSTs {@code body} to {@code webhook} signed as X signs it. */
  public Answer deliver(URI webhook, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return deliver(webhook, body, sign(options.consumerSecret(), bytes));
  }

  /** POSTs {@code body} with the signature header given (null: none). */
  public Answer deliver(URI webhook, String body, String signature) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(webhook)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("x-twitter-webhooks-signature", signature);
    }
    return call(request);
  }

  private Answer call(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          client.send(
              request.timeout(Duration.ofSeconds(15)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An Account Activity delivery for {@code forUserId} with one {@code message_create}. */
  public static String dmEvent(
      String forUserId, String eventId, String senderId, String recipientId, String text) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("for_user_id", forUserId);
    root.set(
        "direct_message_events",
        MAPPER.createArrayNode().add(messageCreate(eventId, senderId, recipientId, text)));
    return root.toString();
  }

  /** An X Activity API {@code dm.received} delivery with one {@code message_create}. */
  public static String activityDm(String userId, String eventId, String senderId, String text) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode data = root.putObject("data");
    data.put("event_uuid", UUID.randomUUID().toString());
    data.putObject("filter").put("user_id", userId);
    data.put("event_type", "dm.received");
    data.put("tag", "dm-inbound");
    data.putObject("payload")
        .set(
            "direct_message_events",
            MAPPER.createArrayNode().add(messageCreate(eventId, senderId, userId, text)));
    return root.toString();
  }

  private static ObjectNode messageCreate(
      String eventId, String senderId, String recipientId, String text) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("type", "message_create");
    event.put("id", eventId);
    event.put("created_timestamp", String.valueOf(Instant.now().toEpochMilli()));
    ObjectNode create = event.putObject("message_create");
    create.putObject("target").put("recipient_id", recipientId);
    create.put("sender_id", senderId);
    create.put("source_app_id", "13090192");
    create.putObject("message_data").put("text", text).putObject("entities");
    return event;
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
    executor.shutdownNow();
  }
}
