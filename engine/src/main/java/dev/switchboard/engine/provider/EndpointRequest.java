package dev.switchboard.engine.provider;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request from a provider's peer, as it arrived.
 *
 * @param method {@code GET}, {@code POST}, ...
 * @param url the full URL the peer called, query included: the public URL when {@code
 *     switchboard.http.public-url} is set (signatures such as Twilio's cover it), else the
 *     request's own
 * @param path what follows the endpoint's segment, without a leading slash ({@code status}, or
 *     empty)
 * @param query the query parameters in their order
 * @param headers every header by its lower-case name (the first value of a repeated one), {@code
 *     content-type} included
 * @param body the raw body bytes, exactly as received (signatures cover them)
 */
public record EndpointRequest(
    String method,
    String url,
    String path,
    Map<String, List<String>> query,
    Map<String, String> headers,
    byte[] body) {

  public EndpointRequest {
    query = copy(query);
    headers = Map.copyOf(headers);
  }

  /** A header's value by its name, in any case. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body read as {@code application/x-www-form-urlencoded}, in order; a malformed escape throws
   * {@link IllegalArgumentException}.
   */
  public Map<String, List<String>> form() {
    Map<String, List<String>> form = new LinkedHashMap<>();
    String text = text();
    if (text.isEmpty()) {
      return form;
    }
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      form.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return form;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> query) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    query.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
