package dev.switchboard.engine.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Message ids: {@code msg_} and 26 Crockford base32 characters (128 bits). A random id is
 * time-ordered like a ULID; an id for an {@code Idempotency-Key} is derived from the account and
 * the key, so every retry of one request names the same entity and can never become a second
 * message.
 */
public final class MessageIds {
  private static final String PREFIX = "msg_";
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern VALID = Pattern.compile("msg_[0-7][0-9A-HJKMNP-TV-Z]{25}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private MessageIds() {}

  /** A new, time-ordered random id. */
  public static String random() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    long millis = System.currentTimeMillis();
    for (int i = 5; i >= 0; i--) {
      bytes[i] = (byte) millis;
      millis >>>= 8;
    }
    return PREFIX + encode(bytes);
  }

  /** The id of the message an account sent with this idempotency key. */
  public static String forIdempotencyKey(String account, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(account.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(key.getBytes(StandardCharsets.UTF_8));
      byte[] digest = sha.digest();
      byte[] bytes = new byte[16];
      System.arraycopy(digest, 0, bytes, 0, 16);
      return PREFIX + encode(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  // 128 bits as 26 base32 digits, most significant first (the first digit carries 3 bits: 0-7).
  private static String encode(byte[] bytes) {
    char[] out = new char[26];
    java.math.BigInteger value = new java.math.BigInteger(1, bytes);
    for (int i = 25; i >= 0; i--) {
      out[i] = ALPHABET[value.intValue() & 31];
      value = value.shiftRight(5);
    }
    return new String(out);
  }
}
