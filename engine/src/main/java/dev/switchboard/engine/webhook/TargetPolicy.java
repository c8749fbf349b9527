package dev.switchboard.engine.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which webhook targets we call (SSRF): public {@code https} URLs only, never loopback, private,
 * link-local, unspecified, multicast or CGNAT addresses, nor {@code localhost} names. Checked on
 * the URL when a message is accepted, and on the resolved addresses before each delivery (DNS
 * rebinding). {@code allowPrivate} (development, tests) allows plain http and every address.
 */
public record TargetPolicy(boolean allowPrivate) {
  private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** Why {@code url} is refused as a target, if it is. */
  public Optional<String> checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("must be an absolute URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return Optional.of("must be an absolute http(s) URL with a host");
    }
    if (allowPrivate) {
      return Optional.empty();
    }
    if (!scheme.equals("https")) {
      return Optional.of("must be an https URL");
    }
    if (uri.getUserInfo() != null) {
      return Optional.of("must not carry credentials");
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return Optional.of("must not point to localhost");
    }
    if (name.startsWith("[") || IPV4_LITERAL.matcher(name).matches()) {
      try {
        // A literal: parsed, never resolved.
        return checkAddresses(host, List.of(InetAddress.getByName(host)));
      } catch (UnknownHostException e) {
        return Optional.of("has an invalid address");
      }
    }
    return Optional.empty();
  }

  /** Why a target whose host resolved to {@code addresses} is refused, if it is. */
  public Optional<String> checkAddresses(String host, List<InetAddress> addresses) {
    if (allowPrivate) {
      return Optional.empty();
    }
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        return Optional.of(
            "must be a public address; "
                + host
                + " is "
                + address.getHostAddress()
                + " (loopback, private, link-local or reserved)");
      }
    }
    return Optional.empty();
  }

  /** False for every address a webhook must never reach. */
  public static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      // fc00::/7 unique local; fec0::/10 is covered by isSiteLocalAddress.
      return (b[0] & 0xfe) != 0xfc;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    boolean thisNetwork = first == 0;
    boolean cgnat = first == 100 && (second & 0xc0) == 64;
    boolean broadcast =
        first == 255 && second == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255;
    return !(thisNetwork || cgnat || broadcast);
  }
}
