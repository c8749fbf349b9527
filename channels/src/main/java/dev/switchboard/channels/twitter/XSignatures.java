package dev.switchboard.channels.twitter;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * X's webhook security (PROVIDERS.md §5): the CRC answer and the {@code
 * x-twitter-webhooks-signature} of every POST are both {@code sha256=} and the base64 of
 * HMAC-SHA256 keyed with the app's consumer secret, over the {@code crc_token} or the raw body.
 */
public final class XSignatures {
  private static final String PREFIX = "sha256=";
  // The CRC answers HMAC(secret, token), the very function that signs events: a token that could be
  // an event body would make the CRC sign forged events. X's tokens are short opaque strings.
  private static final Pattern CRC_TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{1,256}");

  private XSignatures() {}

  /** {@code sha256=<base64 HMAC-SHA256(secret, message)>}. */
  public static String sign(String secret, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return PREFIX + Base64.getEncoder().encodeToString(mac.doFinal(message));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** True when {@code crcToken} looks like one of X's, never like an event body. */
  public static boolean acceptableCrcToken(String crcToken) {
    return crcToken != null && CRC_TOKEN.matcher(crcToken).matches();
  }

  /** The CRC's {@code response_token}. */
  public static String crcResponseToken(String secret, String crcToken) {
    return sign(secret, crcToken.getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code header} is the signature of {@code body}; compared in constant time. */
  public static boolean verify(String secret, byte[] body, String header) {
    if (header == null || header.isEmpty()) {
      return false;
    }
    byte[] expected = sign(secret, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.US_ASCII));
  }
}
