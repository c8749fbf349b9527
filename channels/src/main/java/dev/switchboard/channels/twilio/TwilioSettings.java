package dev.switchboard.channels.twilio;

import com.typesafe.config.Config;
import dev.switchboard.engine.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * A Twilio instance's settings: its block of configuration over {@code
 * switchboard.providers.twilio}. {@link #toString()} never shows the auth token.
 *
 * @param baseUrl the API's root, {@code https://api.twilio.com} or a compatible API's (no trailing
 *     slash)
 * @param from the sender for messages that name none (E.164 or an alphanumeric sender id)
 * @param statusCallback the {@code StatusCallback} sent with every message; empty: none, and no
 *     receipts come back
 * @param segment the path segment under {@code /v1/channels/{channel}/} of the endpoint Twilio
 *     calls
 * @param account the account that owns inbound messages arriving through this instance
 * @param verifyCredentials check the SID and token with an authenticated {@code GET} of the account
 *     when a session opens, so a wrong token shows the instance down before any message fails
 */
public record TwilioSettings(
    String baseUrl,
    String accountSid,
    String authToken,
    String from,
    String statusCallback,
    String segment,
    String account,
    int window,
    int tps,
    boolean verifyCredentials,
    Duration connectTimeout,
    Duration requestTimeout) {

  static final String DEFAULTS_PATH = "switchboard.providers.twilio";
  static final String PUBLIC_URL_PATH = "switchboard.http.public-url";

  public TwilioSettings {
    baseUrl = baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    URI base = parse(baseUrl, "twilio base-url");
    if (accountSid.isBlank()) {
      throw new IllegalArgumentException("twilio account-sid is empty");
    }
    if (!accountSid.matches("[A-Za-z0-9]+")) {
      // It is a path segment of every request; a stray character would change the path.
      throw new IllegalArgumentException("twilio account-sid must be letters and digits only");
    }
    if (authToken.isBlank()) {
      throw new IllegalArgumentException("twilio auth-token is empty");
    }
    if (!statusCallback.isBlank()) {
      parse(statusCallback, "twilio status-callback");
    }
    if (!segment.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException(
          "twilio endpoint-segment must be letters, digits, '-' or '_', was '" + segment + "'");
    }
    if (window < 1) {
      throw new IllegalArgumentException("twilio window must be at least 1, was " + window);
    }
    if (tps < 0) {
      throw new IllegalArgumentException("twilio tps must be 0 (no limit) or more, was " + tps);
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException("twilio base-url names no host");
    }
  }

  /**
   * Reads an instance's block over the defaults of {@code root}. Without a {@code status-callback}
   * of its own, the instance's is {@code switchboard.http.public-url} followed by its endpoint's
   * status path, when the public URL is set.
   */
  public static TwilioSettings create(Config instance, Config root, String channel) {
    Config c = instance.withFallback(root.getConfig(DEFAULTS_PATH));
    String segment = c.getString("endpoint-segment");
    String statusCallback = c.getString("status-callback");
    if (statusCallback.isBlank()
        && root.hasPath(PUBLIC_URL_PATH)
        && !root.getString(PUBLIC_URL_PATH).isBlank()) {
      String publicUrl = root.getString(PUBLIC_URL_PATH).strip();
      while (publicUrl.endsWith("/")) {
        publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
      }
      statusCallback = publicUrl + "/v1/channels/" + channel + "/" + segment + "/status";
    }
    return new TwilioSettings(
        c.getString("base-url"),
        c.getString("account-sid").strip(),
        c.getString("auth-token"),
        c.getString("from").strip(),
        statusCallback.strip(),
        segment,
        c.getString("account"),
        c.getInt("window"),
        c.getInt("tps"),
        c.getBoolean("verify-credentials"),
        c.getDuration("connect-timeout"),
        c.getDuration("request-timeout"));
  }

  /** {@code POST} here to send. */
  URI messagesUri() {
    return URI.create(baseUrl + "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
  }

  /** {@code GET} here to check the credentials. */
  URI accountUri() {
    return URI.create(baseUrl + "/2010-04-01/Accounts/" + accountSid + ".json");
  }

  /** The API's host (and port when the base URL names one): never the SID or the token. */
  public String peer() {
    URI base = URI.create(baseUrl);
    return base.getPort() == -1 ? base.getHost() : base.getHost() + ":" + base.getPort();
  }

  private static URI parse(String url, String what) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(
            what + " must be an http or https URL, was " + Redaction.uri(url));
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(what + " must not carry credentials");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a URL: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return "TwilioSettings[peer="
        + peer()
        + ", from="
        + from
        + ", statusCallback="
        + statusCallback
        + ", segment="
        + segment
        + ", account="
        + account
        + ", window="
        + window
        + ", tps="
        + tps
        + ", verifyCredentials="
        + verifyCredentials
        + ", authToken=***]";
  }
}
