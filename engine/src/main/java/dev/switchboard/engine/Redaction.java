package dev.switchboard.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides credentials in what goes to logs, health and errors: the user information of any URI
 * (well-formed or not), credential parameters ({@code password=}, {@code secret=}, ...) and any
 * secret the caller knows by value. Over-redacting a malformed URI is the safe side.
 */
public final class Redaction {
  public static final String MASK = "***";

  // scheme://<anything up to the last '@' before a space>@ : a malformed URI's password may hold
  // '/', '@' or '#' unencoded.
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s'\"<>]*@");
  private static final Pattern CREDENTIAL_PARAMETER =
      Pattern.compile(
          "(?i)\\b(password|passwd|pwd|pass|secret|token|api[-_]?key|access[-_]?key|auth)=[^&;\\s'\"]*");

  private Redaction() {}

  /**
   * A URI as it may be shown: its user information replaced by {@value #MASK} and credential
   * parameters hidden. One that does not parse keeps only its scheme and what follows its last
   * {@code @}.
   */
  public static String uri(String uri) {
    if (uri == null) {
      return null;
    }
    try {
      URI parsed = new URI(uri);
      if (parsed.getRawUserInfo() == null) {
        return text(uri);
      }
      return text(uri.replace(parsed.getRawUserInfo() + "@", MASK + "@"));
    } catch (URISyntaxException e) {
      int scheme = uri.indexOf("://");
      int at = uri.lastIndexOf('@');
      if (scheme >= 0 && at > scheme) {
        return text(uri.substring(0, scheme + 3) + MASK + uri.substring(at));
      }
      return text(uri);
    }
  }

  /** Free text (an exception's message, a log line) with every URI's credentials hidden. */
  public static String text(String text) {
    if (text == null) {
      return null;
    }
    String masked =
        USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
    return CREDENTIAL_PARAMETER
        .matcher(masked)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + MASK));
  }

  /**
   * As {@link #text(String)}, and every occurrence of the given secrets (passwords, whole URIs
   * whose credentials may not parse) hidden too.
   */
  public static String text(String text, Collection<String> secrets) {
    if (text == null) {
      return null;
    }
    String masked = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        masked = masked.replace(secret, secretMask(secret));
      }
    }
    return text(masked);
  }

  // A whole URI is shown redacted (its host still helps an operator); a bare secret is masked.
  private static String secretMask(String secret) {
    return secret.contains("://") ? uri(secret) : MASK;
  }
}
