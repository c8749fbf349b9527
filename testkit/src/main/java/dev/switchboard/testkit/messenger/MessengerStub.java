package dev.switchboard.testkit.messenger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Messenger Platform as the provider meets it, on 127.0.0.1 and a free port (PROVIDERS.md
 * section 4).
 *
 * <p>The Graph API side answers {@code GET /v{N}/me?fields=id} and {@code POST /v{N}/me/messages}
 * as Meta does: the Page access token from {@code Authorization: Bearer} or the {@code
 * access_token} query parameter ({@code 2500} when missing, {@code 190} when wrong or revoked), a
 * JSON body of exactly {@code recipient.id}, {@code messaging_type} (with {@code tag} for {@code
 * MESSAGE_TAG}) and {@code message.text} of 1..2000 characters ({@code 100} otherwise), then {@code
 * {"recipient_id","message_id"}}. It can fail the next calls with any {@link GraphFailure}, answer
 * slowly, and refuse connections.
 *
 * <p>The webhook side does what Meta does to our endpoint: the subscription handshake, and events
 * (messages, echoes, deliveries, reads) POSTed with {@code X-Hub-Signature-256} over the exact
 * bytes sent (non-ASCII escaped as {@code \\uXXXX}, as Meta writes them), signed well, badly or not
 * at all; with {@link #autoReceipts} every message it takes is followed by its delivery (and read)
 * event, sent again until our endpoint answers {@code 200}, as Meta retries.
 */
public final class MessengerStub implements AutoCloseable {
  private static final Pattern ME = Pattern.compile("/(v[0-9]+\\.[0-9]+)/me");
  private static final Pattern MESSAGES = Pattern.compile("/(v[0-9]+\\.[0-9]+)/me/messages");
  private static final Pattern PSID = Pattern.compile("[0-9]{1,32}");
  private static final Set<String> TYPES = Set.of("RESPONSE", "UPDATE", "MESSAGE_TAG");
  private static final Set<String> TAGS =
      Set.of("ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "HUMAN_AGENT");
  private static final int MAX_TEXT = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();
  // Meta sends the escaped-unicode form of its payloads and signs exactly that.
  private static final ObjectMapper META_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How a webhook call is signed. */
  public enum Signing {
    GOOD,
    BAD,
    NONE
  }

  /** What follows each message the stub takes, when a webhook is set. */
  public enum Receipts {
    NONE,
    DELIVERY,
    DELIVERY_AND_READ
  }

  private final String pageToken;
  private final String appSecret;
  private final String pageId;
  private final int port;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<AcceptedMessage> accepted = new CopyOnWriteArrayList<>();
  private final List<StubRequest> requests = new CopyOnWriteArrayList<>();
  private final List<WebhookCall> webhookCalls = new CopyOnWriteArrayList<>();
  private final Queue<GraphFailure> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger redeliveries = new AtomicInteger();
  private volatile HttpServer server;
  private volatile boolean tokenRevoked;
  private volatile Duration latency = Duration.ZERO;
  private volatile URI webhook;
  private volatile Receipts receipts = Receipts.NONE;
  private volatile Duration receiptDelay = Duration.ZERO;
  private volatile boolean closed;

  private MessengerStub(String pageToken, String appSecret, String pageId) throws IOException {
    this.pageToken = pageToken;
    this.appSecret = appSecret;
    this.pageId = pageId;
    this.scheduler = Executors.newScheduledThreadPool(2, daemon("messenger-stub-timer"));
    // Requests and webhook calls block (a webhook call waits for our endpoint): a pool of their
    // own.
    this.workers = Executors.newCachedThreadPool(daemon("messenger-stub"));
    this.server = bind(0);
    this.port = server.getAddress().getPort();
  }

  /**
   * A stub taking {@code pageToken}, signing its webhooks with {@code appSecret}, for a Page of a
   * random id.
   */
  public static MessengerStub start(String pageToken, String appSecret) throws IOException {
    return new MessengerStub(pageToken, appSecret, String.valueOf(100_000_000L + RANDOM.nextInt()));
  }

  private HttpServer bind(int onPort) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
    s.createContext("/", this::handle);
    s.setExecutor(workers);
    s.start();
    return s;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger threads = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code http://127.0.0.1:<port>}: what the provider's {@code base-url} is set to. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The id of the stub's Page: {@code GET /me}'s answer and the recipient of people's messages. */
  public String pageId() {
    return pageId;
  }

  // --- scripting the Graph API ---------------------------------------------------------------

  /** The next {@code n} valid Send API calls are answered with {@code failure}. */
  public void failNext(int n, GraphFailure failure) {
    for (int i = 0; i < n; i++) {
      failures.add(failure);
    }
  }

  /** Every call answers 190 from now on, {@code GET /me} included, until {@link #restoreToken}. */
  public void revokeToken() {
    tokenRevoked = true;
  }

  public void restoreToken() {
    tokenRevoked = false;
  }

  /** Every answer waits this long first. */
  public void answerSlowly(Duration delay) {
    latency = delay;
  }

  /**
   * Closes the listening socket ({@code true}: connections are refused) or opens it again on the
   * same port.
   */
  public synchronized void refuseConnections(boolean refuse) throws IOException {
    if (refuse && server != null) {
      server.stop(0);
      server = null;
    } else if (!refuse && server == null) {
      server = bind(port);
    }
  }

  /** Forgets what was received and scripted. */
  public void clear() {
    accepted.clear();
    requests.clear();
    webhookCalls.clear();
    failures.clear();
  }

  /** Every message taken, in order. */
  public List<AcceptedMessage> accepted() {
    return List.copyOf(accepted);
  }

  /** Every call to the Graph API side, taken or not, in order. */
  public List<StubRequest> requests() {
    return List.copyOf(requests);
  }

  // --- Meta's side of the webhook ------------------------------------------------------------

  /** Where events are POSTed: our {@code /v1/channels/messenger/webhook}. */
  public void webhook(URI endpoint) {
    this.webhook = endpoint;
  }

  /** What follows each message taken from now on, after {@code delay}. */
  public void autoReceipts(Receipts what, Duration delay) {
    this.receipts = what;
    this.receiptDelay = delay;
  }

  /** Every webhook call the stub made and what our endpoint answered, in order. */
  public List<WebhookCall> webhookCalls() {
    return List.copyOf(webhookCalls);
  }

  /** Automatic receipts sent again because our endpoint did not answer 200. */
  public int redeliveries() {
    return redeliveries.get();
  }

  /**
   * The subscription handshake as Meta performs it: {@code GET
   * <webhook>?hub.mode=subscribe&hub.challenge=<random>&hub.verify_token=<verifyToken>}.
   */
  public Handshake verifySubscription(String verifyToken) {
    String challenge = String.valueOf(1_000_000_000L + RANDOM.nextInt(Integer.MAX_VALUE));
    URI uri =
        URI.create(
            webhook
                + "?hub.mode=subscribe&hub.challenge="
                + challenge
                + "&hub.verify_token="
                + URLEncoder.encode(verifyToken, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Handshake(response.statusCode(), response.body(), challenge);
    } catch (IOException e) {
      return new Handshake(-1, e.toString(), challenge);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Handshake(-1, "interrupted", challenge);
    }
  }

  /** What our endpoint answered a handshake. */
  public record Handshake(int status, String body, String challenge) {
    /** 200 with exactly the challenge: Meta would subscribe. */
    public boolean verified() {
      return status == 200 && challenge.equals(body);
    }
  }

  /** A person ({@code psid}) writes {@code text} to the Page; the call carries a new mid. */
  public WebhookCall postMessage(String psid, String text, Signing signing) {
    String mid = newMid();
    return postMessage(psid, mid, text, signing);
  }

  /** A person's message with a given mid: sending one mid twice is Meta redelivering it. */
  public WebhookCall postMessage(String psid, String mid, String text, Signing signing) {
    ObjectNode item = item(psid, pageId);
    item.putObject("message").put("mid", mid).put("text", text);
    return post(event(item), signing, mid);
  }

  /** The echo of a message the Page sent to {@code psid}. */
  public WebhookCall postEcho(String psid, String mid, String text) {
    ObjectNode item = item(pageId, psid);
    item.putObject("message")
        .put("is_echo", true)
        .put("app_id", 1517776481860111L)
        .put("mid", mid)
        .put("text", text);
    return post(event(item), Signing.GOOD, mid);
  }

  /**
   * Messages to {@code psid} delivered: {@code mids} (may be empty) and all before the watermark.
   */
  public WebhookCall postDelivery(String psid, List<String> mids, long watermark) {
    ObjectNode item = item(psid, pageId);
    ObjectNode delivery = item.putObject("delivery");
    ArrayNode list = delivery.putArray("mids");
    mids.forEach(list::add);
    delivery.put("watermark", watermark);
    return post(event(item), Signing.GOOD, mids.isEmpty() ? null : mids.get(0));
  }

  /** {@code psid} read every message sent to them before the watermark. */
  public WebhookCall postRead(String psid, long watermark) {
    ObjectNode item = item(psid, pageId);
    item.putObject("read").put("watermark", watermark);
    return post(event(item), Signing.GOOD, null);
  }

  /** Any body, signed as asked: {@code object} other than page, malformed JSON, and so on. */
  public WebhookCall postRaw(String body, Signing signing) {
    return post(body.getBytes(StandardCharsets.UTF_8), signing, null);
  }

  /** The {@code X-Hub-Signature-256} value Meta sends for {@code body}. */
  public String signature(byte[] body) {
    return sign(appSecret, body);
  }

  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode item(String sender, String recipient) {
    ObjectNode item = JSON.createObjectNode();
    item.putObject("sender").put("id", sender);
    item.putObject("recipient").put("id", recipient);
    item.put("timestamp", System.currentTimeMillis());
    return item;
  }

  private byte[] event(ObjectNode item) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "page");
    ObjectNode entry = root.putArray("entry").addObject();
    entry.put("id", pageId);
    entry.put("time", System.currentTimeMillis());
    entry.putArray("messaging").add(item);
    try {
      return META_JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private WebhookCall post(byte[] body, Signing signing, String mid) {
    URI target = webhook;
    if (target == null) {
      throw new IllegalStateException("no webhook set: call webhook(uri) first");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signing == Signing.GOOD) {
      request.header("X-Hub-Signature-256", sign(appSecret, body));
    } else if (signing == Signing.BAD) {
      request.header("X-Hub-Signature-256", sign(appSecret + "-not", body));
    }
    WebhookCall call;
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      call = new WebhookCall(response.statusCode(), response.body(), mid);
    } catch (IOException e) {
      call = new WebhookCall(-1, e.toString(), mid);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call = new WebhookCall(-1, "interrupted", mid);
    }
    webhookCalls.add(call);
    return call;
  }

  // Meta retries an event our endpoint did not take; so does the stub, for a while.
  private void receiptsFor(AcceptedMessage message, int attempt) {
    if (closed || webhook == null) {
      return;
    }
    Receipts what = receipts;
    if (what == Receipts.NONE) {
      return;
    }
    long now = System.currentTimeMillis();
    WebhookCall delivery = postDelivery(message.recipient(), List.of(message.mid()), now);
    boolean ok = delivery.ok();
    if (ok && what == Receipts.DELIVERY_AND_READ) {
      ok = postRead(message.recipient(), System.currentTimeMillis()).ok();
    }
    if (!ok && attempt < 40 && !closed) {
      redeliveries.incrementAndGet();
      later(() -> receiptsFor(message, attempt + 1), Duration.ofMillis(250));
    }
  }

  // The timer only hands the work to the workers, so a slow call never delays another's timer.
  private void later(Runnable work, Duration delay) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(() -> workers.execute(work), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile: nothing more is sent
    }
  }

  // --- the Graph API -------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Duration delay = latency;
    if (delay.isZero()) {
      answer(exchange, body);
    } else {
      later(
          () -> {
            try {
              answer(exchange, body);
            } catch (IOException | RuntimeException e) {
              exchange.close();
            }
          },
          delay);
    }
  }

  private void answer(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    Map<String, String> query = parseQuery(rawQuery);
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
    String text = new String(body, StandardCharsets.UTF_8);
    Answer answer = route(method, path, query, headers, text);
    requests.add(
        new StubRequest(
            method, path, rawQuery, headers, text, answer.status(), answer.errorCode()));
    byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    if (answer.usage() != null) {
      exchange.getResponseHeaders().set("X-Business-Use-Case-Usage", answer.usage());
    }
    if (answer.errorCode() == 190 || answer.errorCode() == 2500) {
      exchange
          .getResponseHeaders()
          .set("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\"");
    }
    exchange.sendResponseHeaders(answer.status(), out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
    if (answer.accepted() != null) {
      AcceptedMessage taken = answer.accepted();
      later(() -> receiptsFor(taken, 1), receiptDelay);
    }
  }

  private record Answer(
      int status, String body, int errorCode, String usage, AcceptedMessage accepted) {}

  private Answer route(
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      String body) {
    Matcher me = ME.matcher(path);
    Matcher messages = MESSAGES.matcher(path);
    if (!me.matches() && !messages.matches()) {
      return error(400, 2500, 0, "OAuthException", "Unknown path components: " + path, null);
    }
    Answer auth = authorise(query, headers);
    if (auth != null) {
      return auth;
    }
    if (me.matches()) {
      if (!method.equals("GET")) {
        return error(
            400, 100, 0, "GraphMethodException", "Unsupported " + method + " request.", null);
      }
      if (!"id".equals(query.get("fields"))) {
        return error(400, 100, 0, "OAuthException", "(#100) the stub answers fields=id only", null);
      }
      return new Answer(200, "{\"id\":\"" + pageId + "\"}", 0, null, null);
    }
    if (!method.equals("POST")) {
      return error(
          400, 100, 0, "GraphMethodException", "Unsupported " + method + " request.", null);
    }
    return send(headers, body);
  }

  // The token as Meta takes it: the Authorization header, or the access_token parameter.
  private Answer authorise(Map<String, String> query, Map<String, String> headers) {
    String given = query.get("access_token");
    String authorization = headers.get("authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      given = authorization.substring("Bearer ".length());
    }
    if (given == null || given.isEmpty()) {
      return error(
          400,
          2500,
          0,
          "OAuthException",
          "An active access token must be used to query information about the current user.",
          null);
    }
    if (tokenRevoked || !given.equals(pageToken)) {
      GraphFailure f = GraphFailure.invalidToken();
      return error(f.httpStatus(), f.code(), f.subcode(), f.type(), f.message(), null);
    }
    return null;
  }

  private Answer send(Map<String, String> headers, String body) {
    String contentType = headers.getOrDefault("content-type", "");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return invalid("(#100) the stub takes application/json bodies, not '" + contentType + "'");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return invalid("(#100) the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      return invalid("(#100) the body is not a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Set.of("recipient", "messaging_type", "message", "tag").contains(name)) {
        return invalid("(#100) Param " + name + " is not a valid parameter");
      }
    }
    JsonNode recipient = root.path("recipient");
    if (!recipient.isObject()) {
      return invalid("(#100) The parameter recipient is required");
    }
    if (recipient.size() != 1
        || !recipient.path("id").isTextual()
        || !PSID.matcher(recipient.path("id").asText()).matches()) {
      return invalid("(#100) Param recipient[id] must be a valid ID string (e.g., \"123\")");
    }
    String type = root.path("messaging_type").asText("");
    if (!TYPES.contains(type)) {
      return invalid(
          "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG} - got \""
              + type
              + "\"");
    }
    String tag = root.has("tag") ? root.path("tag").asText("") : null;
    if (type.equals("MESSAGE_TAG") != (tag != null)) {
      return invalid("(#100) Param tag is required with, and only with, MESSAGE_TAG");
    }
    if (tag != null && !TAGS.contains(tag)) {
      return invalid("(#100) Param tag must be one of " + TAGS + " - got \"" + tag + "\"");
    }
    JsonNode message = root.path("message");
    if (!message.isObject() || message.size() != 1 || !message.path("text").isTextual()) {
      return invalid("(#100) param message must be an object with text only (the stub's rule)");
    }
    String text = message.path("text").asText();
    if (text.isEmpty()) {
      return invalid("(#100) param message[text] must be non-empty.");
    }
    if (text.codePointCount(0, text.length()) > MAX_TEXT) {
      return invalid("(#100) Length of param message[text] must be less than or equal to 2000");
    }
    GraphFailure failure = failures.poll();
    if (failure != null) {
      return error(
          failure.httpStatus(),
          failure.code(),
          failure.subcode(),
          failure.type(),
          failure.message(),
          failure.usage());
    }
    String psid = recipient.path("id").asText();
    AcceptedMessage taken =
        new AcceptedMessage(newMid(), psid, text, type, tag, body, Instant.now());
    accepted.add(taken);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("recipient_id", psid);
    answer.put("message_id", taken.mid());
    return new Answer(200, answer.toString(), 0, null, taken);
  }

  private static Answer invalid(String message) {
    return error(400, 100, 0, "OAuthException", message, null);
  }

  private static Answer error(
      int status, int code, int subcode, String type, String message, String usage) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("code", code);
    if (subcode != 0) {
      error.put("error_subcode", subcode);
    }
    error.put("fbtrace_id", "A" + Base64.getUrlEncoder().encodeToString(randomBytes(8)));
    return new Answer(status, root.toString(), code, usage, null);
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(name, value);
    }
    return query;
  }

  private static String newMid() {
    return "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      server.stop(0);
      server = null;
    }
    scheduler.shutdownNow();
    workers.shutdownNow();
  }
}
