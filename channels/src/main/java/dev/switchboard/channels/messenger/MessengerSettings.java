package dev.switchboard.channels.messenger;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Messenger instance's settings: its block of configuration over {@code
 * switchboard.providers.messenger}. {@link #toString()} never shows the token or the secrets.
 *
 * @param baseUrl the Graph API's root, without a trailing slash
 * @param graphVersion the version in the path ({@code v21.0})
 * @param pageToken the Page access token the Send API is called with
 * @param appSecret the key of the webhooks' {@code X-Hub-Signature-256}; empty: every webhook
 *     {@code POST} is refused
 * @param verifyToken what the subscription handshake must present; empty: every handshake is
 *     refused
 * @param messagingType {@code messaging_type} of a message whose metadata names none
 * @param rateLimitPause the pause after a rate-limit error that says nothing of its own
 * @param restrictedPause the pause after Meta restricted the Page from sending (10/1893063)
 * @param watermarkMemory sends remembered for delivery and read events that name no message
 */
public record MessengerSettings(
    String baseUrl,
    String graphVersion,
    String pageToken,
    String appSecret,
    String verifyToken,
    String messagingType,
    String webhookSegment,
    String account,
    int window,
    int tps,
    Duration requestTimeout,
    Duration rateLimitPause,
    Duration restrictedPause,
    int watermarkMemory) {

  static final String DEFAULTS_PATH = "switchboard.providers.messenger";
  private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,3}");
  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9-]{1,32}");

  /** The {@code messaging_type}s a message may name; {@code MESSAGE_TAG} needs a tag. */
  static final List<String> MESSAGING_TYPES = List.of("RESPONSE", "UPDATE", "MESSAGE_TAG");

  public MessengerSettings {
    URI base = URI.create(baseUrl);
    if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())
        || base.getHost() == null) {
      throw new IllegalArgumentException(
          "messenger base-url must be an http(s) URL such as https://graph.facebook.com");
    }
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!VERSION.matcher(graphVersion).matches()) {
      throw new IllegalArgumentException(
          "messenger graph-version must look like v21.0, was '" + graphVersion + "'");
    }
    if (pageToken.isBlank()) {
      throw new IllegalArgumentException("messenger page-token is empty");
    }
    messagingType = messagingType.trim().toUpperCase(Locale.ROOT);
    if (!messagingType.equals("RESPONSE") && !messagingType.equals("UPDATE")) {
      throw new IllegalArgumentException(
          "messenger messaging-type must be RESPONSE or UPDATE (a tag is per message), was '"
              + messagingType
              + "'");
    }
    if (!SEGMENT.matcher(webhookSegment).matches()) {
      throw new IllegalArgumentException(
          "messenger webhook-segment must be 1..32 of a-z, 0-9 and '-', was '"
              + webhookSegment
              + "'");
    }
    if (window < 1) {
      throw new IllegalArgumentException("messenger window must be at least 1, was " + window);
    }
    if (tps < 0) {
      throw new IllegalArgumentException("messenger tps must be 0 (no limit) or more, was " + tps);
    }
    if (watermarkMemory < 0) {
      throw new IllegalArgumentException(
          "messenger watermark-memory must be 0 (off) or more, was " + watermarkMemory);
    }
  }

  /** Reads an instance's block over the defaults of {@code root}. */
  public static MessengerSettings create(Config instance, Config root) {
    Config c = instance.withFallback(root.getConfig(DEFAULTS_PATH));
    return new MessengerSettings(
        c.getString("base-url"),
        c.getString("graph-version"),
        c.getString("page-token"),
        c.getString("app-secret"),
        c.getString("verify-token"),
        c.getString("messaging-type"),
        c.getString("webhook-segment"),
        c.getString("account"),
        c.getInt("window"),
        c.getInt("tps"),
        c.getDuration("request-timeout"),
        c.getDuration("rate-limit-pause"),
        c.getDuration("restricted-pause"),
        c.getInt("watermark-memory"));
  }

  /** {@code {base}/{version}}, for health and logs. */
  public String peer() {
    return baseUrl + "/" + graphVersion;
  }

  /** The Send API. */
  URI messagesUri() {
    return URI.create(peer() + "/me/messages");
  }

  /** The cheapest call that proves the token: the Page's own id. */
  URI meUri() {
    return URI.create(peer() + "/me?fields=id");
  }

  /** Every secret by value, for {@link dev.switchboard.engine.Redaction}. */
  List<String> secrets() {
    return List.of(pageToken, appSecret, verifyToken);
  }

  @Override
  public String toString() {
    return "MessengerSettings[peer="
        + peer()
        + ", messagingType="
        + messagingType
        + ", webhookSegment="
        + webhookSegment
        + ", account="
        + account
        + ", window="
        + window
        + ", tps="
        + tps
        + ", pageToken=***, appSecret=***, verifyToken=***]";
  }
}
