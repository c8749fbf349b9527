package dev.switchboard.channels.messenger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's webhook signature: {@code X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(app
 * secret, raw body)>}, over the bytes as received (Meta signs its escaped-unicode form; a
 * re-serialised body would not match). Compared in constant time.
 */
final class HubSignature {
  static final String HEADER = "x-hub-signature-256";
  private static final String PREFIX = "sha256=";

  private HubSignature() {}

  /** The header value Meta sends for {@code body}. */
  static String sign(String appSecret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** True when {@code header} is the signature of {@code body} under {@code appSecret}. */
  static boolean matches(String appSecret, byte[] body, String header) {
    if (appSecret.isEmpty() || header == null) {
      return false;
    }
    byte[] expected = sign(appSecret, body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  /** Constant-time equality of two secrets (the handshake's verify token). */
  static boolean sameSecret(String expected, String given) {
    if (expected.isEmpty() || given == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
