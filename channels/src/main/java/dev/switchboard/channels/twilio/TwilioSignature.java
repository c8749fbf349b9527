package dev.switchboard.channels.twilio;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Twilio-Signature} (PROVIDERS.md §3, twilio-java {@code RequestValidator}): base64
 * HMAC-SHA1, keyed with the auth token, over the full URL Twilio called followed by every form
 * parameter's name and value, names sorted, no separators. Twilio signs the URL with or without the
 * scheme's default port inconsistently, so both are accepted.
 */
public final class TwilioSignature {
  private static final String HMAC_SHA1 = "HmacSHA1";

  private TwilioSignature() {}

  /**
   * The signature of a request to {@code url} with {@code params}. A parameter given several times
   * contributes each value, in sorted order, as the official helpers do.
   */
  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    for (String name : params.keySet().stream().sorted().toList()) {
      List<String> values = new ArrayList<>(params.get(name));
      values.sort(null);
      for (String value : values) {
        data.append(name).append(value == null ? "" : value);
      }
    }
    try {
      Mac mac = Mac.getInstance(HMAC_SHA1);
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
      byte[] digest = mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  /**
   * True when {@code signature} is the signature of {@code url} (as called, with the default port
   * added, or with it removed) and {@code params}; compared in constant time.
   */
  public static boolean valid(
      String authToken, String url, Map<String, List<String>> params, String signature) {
    if (signature == null || signature.isEmpty()) {
      return false;
    }
    byte[] given = signature.getBytes(StandardCharsets.UTF_8);
    boolean valid = false;
    // Every candidate is computed and compared, so the time taken does not say which matched.
    for (String candidate : urlVariants(url)) {
      byte[] expected = sign(authToken, candidate, params).getBytes(StandardCharsets.UTF_8);
      valid |= MessageDigest.isEqual(expected, given);
    }
    return valid;
  }

  /** The URL as given, with the scheme's default port added, and with it removed. */
  static Set<String> urlVariants(String url) {
    Set<String> variants = new LinkedHashSet<>();
    variants.add(url);
    try {
      URI uri = new URI(url);
      int defaultPort = defaultPort(uri.getScheme());
      if (uri.getRawAuthority() == null || defaultPort < 0) {
        return variants;
      }
      String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
      String host = userInfo + uri.getHost();
      String rest =
          url.substring(url.indexOf(uri.getRawAuthority()) + uri.getRawAuthority().length());
      String prefix = uri.getScheme() + "://";
      if (uri.getPort() == -1) {
        variants.add(prefix + host + ":" + defaultPort + rest);
      } else if (uri.getPort() == defaultPort) {
        variants.add(prefix + host + rest);
      }
    } catch (URISyntaxException e) {
      // Not a URL we can vary: only the URL as given can match.
    }
    return variants;
  }

  private static int defaultPort(String scheme) {
    if ("https".equalsIgnoreCase(scheme)) {
      return 443;
    }
    return "http".equalsIgnoreCase(scheme) ? 80 : -1;
  }
}
