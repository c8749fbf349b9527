package dev.switchboard.engine.provider;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProviderEndpoint}s of the node's provider instances, by channel and segment. Counts
 * every request by outcome ({@code switchboard.provider.webhook.requests}) and logs what could not
 * be made durable, once, where it is handled.
 */
public final class ProviderEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderEndpoints.class);

  private final Map<String, Mounted> byPath = new LinkedHashMap<>();
  private final MeterRegistry meters;

  /** One endpoint and the instance it belongs to. */
  private record Mounted(String channel, String provider, ProviderEndpoint endpoint) {}

  ProviderEndpoints(MeterRegistry meters) {
    this.meters = meters;
  }

  /** None: a node whose providers take no calls. */
  public static ProviderEndpoints none(MeterRegistry meters) {
    return new ProviderEndpoints(meters);
  }

  // Called while the registry starts, before any request can arrive.
  void mount(String channel, String provider, ProviderEndpoint endpoint) {
    String key = key(channel, endpoint.segment());
    Mounted earlier = byPath.putIfAbsent(key, new Mounted(channel, provider, endpoint));
    if (earlier != null) {
      throw new IllegalArgumentException(
          "provider instances '"
              + earlier.provider()
              + "' and '"
              + provider
              + "' both take /v1/channels/"
              + key
              + "; give one of them its own path");
    }
  }

  /** True when a provider of {@code channel} takes calls at {@code segment}. */
  public boolean serves(String channel, String segment) {
    return byPath.containsKey(key(channel, segment));
  }

  /**
   * Hands a request to the endpoint at {@code channel}/{@code segment}. Completes with its reply (a
   * {@code 404} refusal when there is none), or exceptionally when what it carried could not be
   * made durable.
   */
  public CompletionStage<EndpointReply> handle(
      String channel, String segment, EndpointRequest request) {
    Mounted mounted = byPath.get(key(channel, segment));
    if (mounted == null) {
      return CompletableFuture.completedFuture(EndpointReply.notFound());
    }
    CompletionStage<EndpointReply> reply;
    try {
      reply = mounted.endpoint().handle(request);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete(
        (answer, error) -> {
          String outcome;
          if (error != null) {
            outcome = "unavailable";
            LOG.warn(
                "provider call not recorded, answered 503: channel={} provider={} path={} cause={}",
                mounted.channel(),
                mounted.provider(),
                request.path(),
                error.toString());
          } else if (answer instanceof EndpointReply.Refused refused) {
            outcome = refused.code();
            LOG.debug(
                "provider call refused: channel={} provider={} status={} reason={}",
                mounted.channel(),
                mounted.provider(),
                refused.status(),
                refused.message());
          } else {
            outcome = "accepted";
          }
          meters
              .counter(
                  "switchboard.provider.webhook.requests",
                  "channel",
                  mounted.channel(),
                  "provider",
                  mounted.provider(),
                  "outcome",
                  outcome)
              .increment();
        });
  }

  /** The instance serving {@code channel}/{@code segment}, for logs and tests. */
  public Optional<String> provider(String channel, String segment) {
    return Optional.ofNullable(byPath.get(key(channel, segment))).map(Mounted::provider);
  }

  private static String key(String channel, String segment) {
    return channel + "/" + segment;
  }
}
