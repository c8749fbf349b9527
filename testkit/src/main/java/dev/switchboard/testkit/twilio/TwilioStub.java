package dev.switchboard.testkit.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's Messages API over real HTTP on 127.0.0.1 (PROVIDERS.md §3), with the misbehaviours of
 * the real one on demand. Every switch is thread-safe and may be flipped while requests arrive.
 *
 * <ul>
 *   <li>{@code POST /2010-04-01/Accounts/{sid}/Messages.json}: HTTP Basic with the SID and token
 *       (else {@code 401} 20003), the path's SID the authenticated one (else {@code 404} 20404), a
 *       form body with an E.164 {@code To} (21604, 21211), {@code From} or {@code
 *       MessagingServiceSid} (21603, 21212), {@code Body} of 1..1600 characters (21602, 21617), a
 *       valid {@code StatusCallback} (21609) and {@code ValidityPeriod} 1..36000 (21624); then any
 *       scripted failure; else {@code 201} with Twilio's message JSON, and, when the message has a
 *       {@code StatusCallback}, callbacks {@code sent} then the automatic final status.
 *   <li>{@code GET /2010-04-01/Accounts/{sid}.json}: the account, with the same checks.
 *   <li>Anything else: {@code 404} 20404. Every error has Twilio's body {@code
 *       {"code","message","more_info","status"}}.
 * </ul>
 *
 * <p>Callbacks to us (status, inbound) are form POSTs signed with the current auth token as Twilio
 * signs them ({@link TwilioSigner}), or badly on request ({@link Signing}).
 */
public final class TwilioStub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TwilioStub.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String API_VERSION = "2010-04-01";
  private static final Pattern MESSAGES =
      Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
  private static final Pattern ACCOUNT = Pattern.compile("/2010-04-01/Accounts/([^/.]+)\\.json");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
  private static final Pattern ALPHANUMERIC_SENDER =
      Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}");
  private static final Pattern SHORT_CODE = Pattern.compile("[0-9]{3,8}");
  private static final int MAX_BODY = 1600;
  private static final int CALLBACK_ATTEMPTS = 3;
  private static final Duration CALLBACK_RETRY = Duration.ofMillis(100);
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DLR_DONE =
      DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);

  /** How a call to our endpoint is signed. */
  public enum Signing {
    /** With the stub's auth token, over the URL called: as Twilio signs. */
    VALID,
    /** With another token: a forgery. */
    WRONG_TOKEN,
    /** No {@code X-Twilio-Signature} at all. */
    NONE
  }

  /** What our endpoint answered one call. */
  public record Answer(int status, String body, String contentType) {}

  /**
   * One status callback the stub made (each attempt).
   *
   * @param answered the HTTP status our endpoint answered, or -1 when it could not be reached
   */
  public record Callback(String sid, String status, String url, int answered) {}

  /**
   * One request the stub answered.
   *
   * @param code Twilio's error code when it refused, else null
   */
  public record Request(String method, String path, int status, Integer code) {}

  private final String accountSid;
  private volatile String authToken;
  private final int port;
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(daemon("twilio-stub-http"));
  private final ScheduledExecutorService callbacks =
      Executors.newScheduledThreadPool(2, daemon("twilio-stub-callback"));
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private HttpServer server;

  private final ConcurrentLinkedQueue<AcceptedMessage> accepted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Callback> callbacksMade = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<TwilioFailure> scripted = new ConcurrentLinkedQueue<>();
  private final Map<String, TwilioFailure> byRecipient = new ConcurrentHashMap<>();
  private volatile TwilioFailure failAll;
  private volatile Duration answerDelay = Duration.ZERO;
  private volatile String autoStatus = "delivered";
  private volatile String autoErrorCode;
  private volatile Duration statusDelay = Duration.ofMillis(20);

  private TwilioStub(String accountSid, String authToken, int port) throws IOException {
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.server = bind(port);
    this.port = server.getAddress().getPort();
  }

  /** Listens on a free port of 127.0.0.1 for the account {@code accountSid}. */
  public static TwilioStub start(String accountSid, String authToken) throws IOException {
    return new TwilioStub(accountSid, authToken, 0);
  }

  /** A fresh account SID: {@code AC} and 32 hex digits. */
  public static String newAccountSid() {
    return "AC" + UUID.randomUUID().toString().replace("-", "");
  }

  /** {@code http://127.0.0.1:<port>}: the base URL to configure. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String accountSid() {
    return accountSid;
  }

  // --- scripting ---

  /** The next {@code n} sends that pass the checks are refused with {@code failure}. */
  public void failNext(int n, TwilioFailure failure) {
    for (int i = 0; i < n; i++) {
      scripted.add(failure);
    }
  }

  /** Every send from now on is refused with {@code failure} until {@link #stopFailing()}. */
  public void failAll(TwilioFailure failure) {
    this.failAll = failure;
  }

  /** Ends {@link #failAll} and drops what {@link #failNext} still had. */
  public void stopFailing() {
    failAll = null;
    scripted.clear();
  }

  /** Sends to {@code to} are refused with {@code failure}, always (an opted-out number, say). */
  public void failRecipient(String to, TwilioFailure failure) {
    byRecipient.put(to, failure);
  }

  /** Every answer waits this long first (zero: at once). */
  public void answerSlowly(Duration delay) {
    this.answerDelay = delay;
  }

  /**
   * The final status each accepted message with a {@code StatusCallback} reports ({@code
   * delivered}, {@code undelivered}, {@code failed}), with {@code errorCode} (null for none);
   * {@code status} null reports nothing, not even {@code sent}.
   */
  public void autoStatus(String status, String errorCode) {
    this.autoStatus = status;
    this.autoErrorCode = errorCode;
  }

  /** How long after the {@code 201} the automatic callbacks start. */
  public void statusDelay(Duration delay) {
    this.statusDelay = delay;
  }

  /** The account's token is now {@code token}: the old one is refused, callbacks use the new. */
  public void changeAuthToken(String token) {
    this.authToken = token;
  }

  /** Closes the listening socket and every connection: connections are refused until resumed. */
  public synchronized void refuseConnections() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port after {@link #refuseConnections()}. */
  public synchronized void acceptConnections() throws IOException {
    if (server == null) {
      server = bind(port);
    }
  }

  /** Back to defaults: no failures, no delay, delivered receipts; the records are kept. */
  public void reset() {
    stopFailing();
    byRecipient.clear();
    answerDelay = Duration.ZERO;
    autoStatus = "delivered";
    autoErrorCode = null;
    statusDelay = Duration.ofMillis(20);
  }

  /** Forgets every record (accepted messages, requests, callbacks). */
  public void clearRecords() {
    accepted.clear();
    requests.clear();
    callbacksMade.clear();
  }

  // --- records ---

  /** Every message created, in order. */
  public List<AcceptedMessage> accepted() {
    return List.copyOf(accepted);
  }

  /** How many messages were created. */
  public int acceptedCount() {
    return accepted.size();
  }

  /** The messages created for {@code to}, in order. */
  public List<AcceptedMessage> acceptedFor(String to) {
    return accepted.stream().filter(m -> m.to().equals(to)).toList();
  }

  /** Every request answered, refusals included, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every status callback attempt, in order. */
  public List<Callback> callbacks() {
    return List.copyOf(callbacksMade);
  }

  // --- calling us ---

  /**
   * Reports {@code status} for the created message {@code sid} to its {@code StatusCallback},
   * signed as Twilio does; one attempt.
   *
   * @param errorCode Twilio's {@code ErrorCode} (30003, ...), or null
   */
  public Answer sendStatus(String sid, String status, String errorCode) {
    AcceptedMessage m =
        accepted.stream()
            .filter(a -> a.sid().equals(sid))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no message " + sid));
    if (m.statusCallback() == null) {
      throw new IllegalArgumentException("message " + sid + " has no StatusCallback");
    }
    Answer answer = post(m.statusCallback(), statusParams(m, status, errorCode), Signing.VALID);
    callbacksMade.add(new Callback(sid, status, m.statusCallback(), answer.status()));
    return answer;
  }

  /** An SMS from {@code from} to {@code to}, POSTed to {@code url} and signed as Twilio does. */
  public Answer postInbound(String url, String from, String to, String body) {
    return postInbound(url, newMessageSid(), from, to, body, Signing.VALID);
  }

  /** An SMS with a given {@code MessageSid} (Twilio calls again with the same one). */
  public Answer postInbound(
      String url, String messageSid, String from, String to, String body, Signing signing) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ToCountry", "GB");
    params.put("SmsMessageSid", messageSid);
    params.put("NumMedia", "0");
    params.put("SmsSid", messageSid);
    params.put("SmsStatus", "received");
    params.put("Body", body);
    params.put("To", to);
    params.put("NumSegments", "1");
    params.put("MessageSid", messageSid);
    params.put("AccountSid", accountSid);
    params.put("From", from);
    params.put("ApiVersion", API_VERSION);
    return post(url, params, signing);
  }

  /** Any form POST to {@code url}, signed as asked: for calls Twilio would never make. */
  public Answer post(String url, Map<String, String> params, Signing signing) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", "TwilioProxy/1.1")
            .header("I-Twilio-Idempotency-Token", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(TwilioSigner.form(params)));
    if (signing != Signing.NONE) {
      String token = signing == Signing.VALID ? authToken : "not-" + authToken;
      request.header("X-Twilio-Signature", TwilioSigner.sign(token, url, params));
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      return new Answer(-1, String.valueOf(e), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted", "");
    }
  }

  /** A fresh message SID: {@code SM} and 32 hex digits. */
  public static String newMessageSid() {
    return "SM" + UUID.randomUUID().toString().replace("-", "");
  }

  // --- serving ---

  private HttpServer bind(int onPort) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
    s.createContext("/", this::handle);
    s.setExecutor(handlers);
    s.start();
    return s;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      pause(answerDelay);
      Matcher messages = MESSAGES.matcher(path);
      Matcher account = ACCOUNT.matcher(path);
      if (messages.matches()) {
        messages(exchange, method, path, messages.group(1), body);
      } else if (account.matches()) {
        account(exchange, method, path, account.group(1));
      } else {
        refuse(exchange, method, path, notFound(path));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("twilio stub could not answer: {}", e.toString());
    }
  }

  private void messages(HttpExchange exchange, String method, String path, String sid, byte[] raw)
      throws IOException {
    Optional<TwilioFailure> denied = checkAccess(exchange, path, sid);
    if (denied.isPresent()) {
      refuse(exchange, method, path, denied.get());
      return;
    }
    if (!method.equals("POST")) {
      refuse(exchange, method, path, new TwilioFailure(405, 20004, "Method not allowed"));
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, String> params;
    try {
      // Twilio reads only a form body; anything else leaves every parameter missing.
      params =
          type != null
                  && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
              ? TwilioSigner.parse(new String(raw, StandardCharsets.UTF_8))
              : Map.of();
    } catch (IllegalArgumentException e) {
      params = Map.of();
    }
    Optional<TwilioFailure> invalid = validate(params);
    if (invalid.isPresent()) {
      refuse(exchange, method, path, invalid.get());
      return;
    }
    Optional<TwilioFailure> failure = scriptedFailure(params.get("To"));
    if (failure.isPresent()) {
      refuse(exchange, method, path, failure.get());
      return;
    }
    AcceptedMessage message =
        new AcceptedMessage(
            newMessageSid(),
            params.get("To"),
            params.get("From"),
            params.get("Body"),
            params.get("StatusCallback"),
            params.get("ValidityPeriod"),
            params,
            Instant.now());
    accepted.add(message);
    respond(exchange, 201, JSON.writeValueAsString(messageJson(message)), null);
    requests.add(new Request(method, path, 201, null));
    scheduleCallbacks(message);
  }

  private void account(HttpExchange exchange, String method, String path, String sid)
      throws IOException {
    Optional<TwilioFailure> denied = checkAccess(exchange, path, sid);
    if (denied.isPresent()) {
      refuse(exchange, method, path, denied.get());
      return;
    }
    if (!method.equals("GET")) {
      refuse(exchange, method, path, new TwilioFailure(405, 20004, "Method not allowed"));
      return;
    }
    String now = RFC_2822.format(Instant.now());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sid", accountSid);
    json.put("owner_account_sid", accountSid);
    json.put("friendly_name", "Switchboard test account");
    json.put("status", "active");
    json.put("type", "Full");
    json.put("date_created", now);
    json.put("date_updated", now);
    json.put("uri", "/2010-04-01/Accounts/" + accountSid + ".json");
    respond(exchange, 200, JSON.writeValueAsString(json), null);
    requests.add(new Request(method, path, 200, null));
  }

  // Authentication first, then the path's account: Twilio's own order.
  private Optional<TwilioFailure> checkAccess(HttpExchange exchange, String path, String sid) {
    if (!authenticated(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return Optional.of(TwilioFailure.authenticate());
    }
    return sid.equals(accountSid) ? Optional.empty() : Optional.of(notFound(path));
  }

  private boolean authenticated(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return decoded.equals(accountSid + ":" + authToken);
  }

  private static Optional<TwilioFailure> validate(Map<String, String> params) {
    String to = params.get("To");
    if (to == null || to.isBlank()) {
      return Optional.of(new TwilioFailure(400, 21604, "A 'To' phone number is required."));
    }
    if (!E164.matcher(to).matches()) {
      return Optional.of(TwilioFailure.invalidTo(to));
    }
    String from = params.get("From");
    if ((from == null || from.isBlank()) && !params.containsKey("MessagingServiceSid")) {
      return Optional.of(new TwilioFailure(400, 21603, "A 'From' phone number is required."));
    }
    if (from != null
        && !E164.matcher(from).matches()
        && !SHORT_CODE.matcher(from).matches()
        && !ALPHANUMERIC_SENDER.matcher(from).matches()) {
      return Optional.of(
          new TwilioFailure(
              400,
              21212,
              "The 'From' number "
                  + from
                  + " is not a valid phone number, shortcode, or alphanumeric sender ID."));
    }
    String body = params.get("Body");
    if ((body == null || body.isEmpty()) && !params.containsKey("MediaUrl")) {
      return Optional.of(new TwilioFailure(400, 21602, "Message body is required."));
    }
    if (body != null && body.codePointCount(0, body.length()) > MAX_BODY) {
      return Optional.of(
          new TwilioFailure(
              400, 21617, "The concatenated message body exceeds the 1600 character limit."));
    }
    String callback = params.get("StatusCallback");
    if (callback != null && !validCallback(callback)) {
      return Optional.of(
          new TwilioFailure(400, 21609, "The StatusCallback URL " + callback + " is not valid."));
    }
    String validity = params.get("ValidityPeriod");
    if (validity != null && !validValidity(validity)) {
      return Optional.of(new TwilioFailure(400, 21624, "Invalid validity period value"));
    }
    return Optional.empty();
  }

  // Absolute http(s), and no underscore in the host name (PROVIDERS.md §3).
  private static boolean validCallback(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      return (scheme.equals("http") || scheme.equals("https"))
          && host != null
          && !host.contains("_");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean validValidity(String value) {
    if (!value.matches("[0-9]{1,6}")) {
      return false;
    }
    int seconds = Integer.parseInt(value);
    return seconds >= 1 && seconds <= 36_000;
  }

  private Optional<TwilioFailure> scriptedFailure(String to) {
    TwilioFailure forRecipient = byRecipient.get(to);
    if (forRecipient != null) {
      return Optional.of(forRecipient);
    }
    TwilioFailure next = scripted.poll();
    if (next != null) {
      return Optional.of(next);
    }
    return Optional.ofNullable(failAll);
  }

  private Map<String, Object> messageJson(AcceptedMessage m) {
    String now = RFC_2822.format(m.at());
    String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + m.sid();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sid", m.sid());
    json.put("account_sid", accountSid);
    json.put("messaging_service_sid", m.params().get("MessagingServiceSid"));
    json.put("from", m.from());
    json.put("to", m.to());
    json.put("body", m.body());
    json.put("status", "queued");
    json.put("num_segments", Integer.toString(segments(m.body() == null ? "" : m.body())));
    json.put("num_media", "0");
    json.put("direction", "outbound-api");
    json.put("api_version", API_VERSION);
    json.put("price", null);
    json.put("price_unit", null);
    json.put("error_code", null);
    json.put("error_message", null);
    json.put("date_created", now);
    json.put("date_sent", null);
    json.put("date_updated", now);
    json.put("uri", uri + ".json");
    json.put("subresource_uris", Map.of("media", uri + "/Media.json"));
    return json;
  }

  // Roughly as Twilio counts: 160/153 for plain ASCII, 70/67 otherwise.
  private static int segments(String body) {
    boolean ascii = body.chars().allMatch(c -> c < 128 && c != '`');
    int units = body.length();
    int single = ascii ? 160 : 70;
    int multi = ascii ? 153 : 67;
    return units <= single ? 1 : (units + multi - 1) / multi;
  }

  private void refuse(HttpExchange exchange, String method, String path, TwilioFailure failure)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("code", failure.code());
    json.put("message", failure.message());
    json.put("more_info", failure.moreInfo());
    json.put("status", failure.httpStatus());
    if (failure.httpStatus() == 401) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Twilio API\"");
    }
    if (failure.retryAfter() > 0) {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(failure.retryAfter()));
    }
    respond(exchange, failure.httpStatus(), JSON.writeValueAsString(json), null);
    requests.add(new Request(method, path, failure.httpStatus(), failure.code()));
  }

  private static TwilioFailure notFound(String path) {
    return new TwilioFailure(404, 20404, "The requested resource " + path + " was not found");
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("Content-Type", type == null ? "application/json; charset=utf-8" : type);
    exchange
        .getResponseHeaders()
        .set("Twilio-Request-Id", "RQ" + UUID.randomUUID().toString().replace("-", ""));
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  // --- status callbacks ---

  private void scheduleCallbacks(AcceptedMessage m) {
    String finalStatus = autoStatus;
    String errorCode = autoErrorCode;
    if (m.statusCallback() == null || finalStatus == null) {
      return;
    }
    callbacks.schedule(
        () -> {
          callback(m, "sent", null);
          callback(m, finalStatus, errorCode);
        },
        statusDelay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  // Twilio tries again when our endpoint answers 5xx or cannot be reached.
  private void callback(AcceptedMessage m, String status, String errorCode) {
    for (int attempt = 1; attempt <= CALLBACK_ATTEMPTS; attempt++) {
      Answer answer = post(m.statusCallback(), statusParams(m, status, errorCode), Signing.VALID);
      callbacksMade.add(new Callback(m.sid(), status, m.statusCallback(), answer.status()));
      if (answer.status() >= 200 && answer.status() < 500) {
        return;
      }
      pause(CALLBACK_RETRY);
    }
    log.warn("twilio stub gave up on a status callback: sid={} status={}", m.sid(), status);
  }

  private Map<String, String> statusParams(AcceptedMessage m, String status, String errorCode) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("SmsSid", m.sid());
    params.put("SmsStatus", status);
    params.put("MessageStatus", status);
    params.put("To", m.to());
    params.put("MessageSid", m.sid());
    params.put("AccountSid", accountSid);
    if (m.from() != null) {
      params.put("From", m.from());
    }
    params.put("ApiVersion", API_VERSION);
    if (errorCode != null) {
      params.put("ErrorCode", errorCode);
    }
    if (status.equals("delivered") || status.equals("undelivered")) {
      params.put("RawDlrDoneDate", DLR_DONE.format(Instant.now()));
    }
    return params;
  }

  private static void pause(Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    refuseConnections();
    callbacks.shutdownNow();
    handlers.shutdownNow();
  }
}
