package dev.switchboard.channels.twitter;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * An X instance's settings: its block of configuration over {@code switchboard.providers.twitter}.
 * {@link #toString()} never shows a token or a secret.
 *
 * @param baseUrl the API's base URL, {@code https://api.x.com} (a stub's in tests)
 * @param clientId the OAuth 2.0 client id (the body of a public client's refresh)
 * @param clientSecret the OAuth 2.0 client secret; empty for a public client, else the refresh
 *     authenticates with HTTP Basic
 * @param accessToken the OAuth 2.0 user access token the instance starts with
 * @param refreshToken its refresh token (granted with {@code offline.access}); empty: a rejected
 *     access token cannot be renewed
 * @param consumerSecret the app's consumer (API) secret, the key of the webhook's CRC and
 *     signatures; empty: no webhook
 * @param account the account that owns the DMs this instance receives
 * @param refreshAhead a token with a known expiry is refreshed this long before it
 * @param persistTokens keep a rotated token pair in the journal's database, so a restart (or
 *     another node) goes on with it
 */
public record XSettings(
    URI baseUrl,
    String clientId,
    String clientSecret,
    String accessToken,
    String refreshToken,
    String consumerSecret,
    String account,
    int window,
    double tps,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration refreshAhead,
    Duration rateLimitMargin,
    Duration usageCapRetry,
    Duration webhookTimeout,
    boolean persistTokens) {

  static final String DEFAULTS_PATH = "switchboard.providers.twitter";

  public XSettings {
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "twitter base-url must be an http(s) URL such as https://api.x.com");
    }
    if (baseUrl.getRawUserInfo() != null) {
      throw new IllegalArgumentException("twitter base-url must not carry credentials");
    }
    if (accessToken.isBlank()) {
      throw new IllegalArgumentException(
          "twitter access-token is empty (SWITCHBOARD_X_ACCESS_TOKEN: an OAuth 2.0 user token"
              + " with dm.write, dm.read, tweet.read and users.read)");
    }
    if (!refreshToken.isBlank() && clientId.isBlank()) {
      throw new IllegalArgumentException(
          "twitter refresh-token is set but client-id is empty (SWITCHBOARD_X_CLIENT_ID): the"
              + " token cannot be refreshed without it");
    }
    if (window < 1) {
      throw new IllegalArgumentException("twitter window must be at least 1, was " + window);
    }
    if (tps < 0) {
      throw new IllegalArgumentException("twitter tps must be 0 (no limit) or more, was " + tps);
    }
  }

  /** Reads an instance's block over the defaults of {@code root}. */
  public static XSettings create(Config instance, Config root) {
    Config c = instance.withFallback(root.getConfig(DEFAULTS_PATH));
    String base = c.getString("base-url").trim();
    return new XSettings(
        URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base),
        c.getString("client-id").trim(),
        c.getString("client-secret").trim(),
        c.getString("access-token").trim(),
        c.getString("refresh-token").trim(),
        c.getString("consumer-secret").trim(),
        c.getString("account"),
        c.getInt("window"),
        c.getDouble("tps"),
        c.getDuration("connect-timeout"),
        c.getDuration("request-timeout"),
        c.getDuration("refresh-ahead"),
        c.getDuration("rate-limit-margin"),
        c.getDuration("usage-cap-retry"),
        c.getDuration("webhook-timeout"),
        c.getBoolean("persist-tokens"));
  }

  /** True when a rejected access token can be renewed. */
  public boolean refreshable() {
    return !refreshToken.isBlank();
  }

  /** True for a confidential client: the refresh authenticates with HTTP Basic. */
  public boolean confidential() {
    return !clientSecret.isBlank();
  }

  /** The API's scheme, host and port, for health and logs. */
  public String peer() {
    return baseUrl.getScheme() + "://" + baseUrl.getAuthority();
  }

  @Override
  public String toString() {
    return "XSettings[peer="
        + peer()
        + ", clientId="
        + clientId
        + ", account="
        + account
        + ", window="
        + window
        + ", tps="
        + tps
        + ", refreshable="
        + refreshable()
        + ", webhook="
        + !consumerSecret.isBlank()
        + ", tokens=***]";
  }
}
