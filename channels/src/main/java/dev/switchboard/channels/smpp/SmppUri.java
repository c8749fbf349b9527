package dev.switchboard.channels.smpp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code smpp://<system_id>:<password>@<host>:<port>?source=..&bind=transceiver|transmitter
 * &window=..&tps=..&system_type=..}; user info is URL-decoded. Errors name what is wrong and never
 * echo the URI, which holds the password.
 */
public final class SmppUri {
  private static final Map<String, String> PARAMETERS =
      Map.of(
          "source", "source",
          "bind", "bind",
          "window", "window",
          "tps", "tps",
          "system_type", "system-type");

  private SmppUri() {}

  /** The settings the URI names, over this module's defaults. */
  public static SmppSettings parse(String uri) {
    return SmppSettings.fromUri(uri);
  }

  /** The settings keys the URI names, to lay over a configuration. */
  static Config toConfig(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri.trim());
    } catch (URISyntaxException e) {
      // The reason quotes the input, so only the position goes into the message.
      throw new IllegalArgumentException("smpp uri is malformed at index " + e.getIndex());
    }
    if (!"smpp".equalsIgnoreCase(parsed.getScheme())) {
      throw new IllegalArgumentException("smpp uri must start with smpp://");
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("smpp uri has no host");
    }
    if (parsed.getPort() < 0) {
      throw new IllegalArgumentException("smpp uri has no port");
    }
    String userInfo = parsed.getRawUserInfo();
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("smpp uri needs <system_id>:<password>@ before the host");
    }
    Map<String, Object> keys = new HashMap<>();
    keys.put("host", parsed.getHost());
    keys.put("port", parsed.getPort());
    keys.put("system-id", decode(userInfo.substring(0, colon), "system_id"));
    keys.put("password", decode(userInfo.substring(colon + 1), "password"));
    String query = parsed.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), "parameter name");
        String key = PARAMETERS.get(name);
        if (key == null) {
          throw new IllegalArgumentException(
              "smpp uri parameter '"
                  + name
                  + "' is unknown; expected one of "
                  + PARAMETERS.keySet());
        }
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
        keys.put(key, number(key, value));
      }
    }
    return ConfigFactory.parseMap(keys, "smpp uri");
  }

  private static Object number(String key, String value) {
    if (!key.equals("window") && !key.equals("tps")) {
      return value;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "smpp uri parameter " + key + " must be a number, was '" + value + "'");
    }
  }

  private static String decode(String raw, String what) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("smpp uri " + what + " has a bad %-escape");
    }
  }
}
