package dev.switchboard.http.api;

import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.ProviderEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.japi.Pair;

/**
 * {@code /v1/channels/{channel}/{segment}/...}: what providers' peers call (status callbacks,
 * inbound messages, handshakes). No API key: each provider's endpoint checks its peer's own
 * signature.
 */
public final class ProviderRoutes extends AllDirectives {
  private static final ContentType XML = MediaTypes.TEXT_XML.toContentType(HttpCharsets.UTF_8);

  private final ProviderEndpoints endpoints;
  private final String publicUrl;
  private final Duration retryAfter;

  /**
   * @param publicUrl where the peers reach this API ({@code https://sb.example.com}), which
   *     signatures over the URL cover; empty: the URL each request names
   */
  public ProviderRoutes(ProviderEndpoints endpoints, String publicUrl, Duration retryAfter) {
    this.endpoints = endpoints;
    this.publicUrl =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.retryAfter = retryAfter;
  }

  /** The routes below {@code /v1/channels}. */
  public Route routes() {
    return pathPrefix(
        "channels",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                channel ->
                    pathPrefix(
                        PathMatchers.segment(),
                        segment ->
                            endpoints.serves(channel, segment)
                                ? call(channel, segment)
                                : complete(ApiError.notFound("no such resource")))));
  }

  private Route call(String channel, String segment) {
    return extractUnmatchedPath(
        rest ->
            extractRequest(
                request ->
                    entity(
                        Unmarshaller.entityToByteArray(),
                        body ->
                            completeWithFuture(
                                endpoints
                                    .handle(channel, segment, request(request, rest, body))
                                    .thenApply(this::response)
                                    .exceptionally(
                                        error ->
                                            ApiError.unavailable(
                                                "unavailable",
                                                "the call could not be recorded now; send it again",
                                                retryAfter))))));
  }

  private EndpointRequest request(HttpRequest request, String rest, byte[] body) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (Pair<String, String> parameter : request.getUri().query().toList()) {
      query.computeIfAbsent(parameter.first(), n -> new ArrayList<>()).add(parameter.second());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      headers.putIfAbsent(header.lowercaseName(), header.value());
    }
    headers.put("content-type", request.entity().getContentType().toString());
    return new EndpointRequest(
        request.method().value(),
        url(request),
        rest.startsWith("/") ? rest.substring(1) : rest,
        query,
        headers,
        body);
  }

  private String url(HttpRequest request) {
    if (publicUrl.isEmpty()) {
      return request.getUri().toString();
    }
    return publicUrl
        + request.getUri().path()
        + request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
  }

  private HttpResponse response(EndpointReply reply) {
    if (reply instanceof EndpointReply.Refused refused) {
      return ApiError.of(
          StatusCodes.get(refused.status()), refused.code(), refused.message(), null);
    }
    EndpointReply.Answer answer = (EndpointReply.Answer) reply;
    ContentType type =
        switch (answer.type()) {
          case TEXT -> ContentTypes.TEXT_PLAIN_UTF8;
          case JSON -> ContentTypes.APPLICATION_JSON;
          case XML -> XML;
        };
    return HttpResponse.create()
        .withStatus(answer.status())
        .withEntity(type, answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
