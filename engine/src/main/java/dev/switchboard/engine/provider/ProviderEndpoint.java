package dev.switchboard.engine.provider;

import java.util.concurrent.CompletionStage;

/**
 * What a provider's peer calls over HTTP: status callbacks, inbound messages, verification
 * handshakes. The HTTP layer serves it at {@code /v1/channels/{channel}/{segment}/...}, outside
 * API-key authentication: the endpoint checks the peer's own signature before it reads anything
 * else, and answers {@link EndpointReply.Refused} (nothing reported) when the signature does not
 * hold.
 */
public interface ProviderEndpoint {

  /**
   * The first path segment under {@code /v1/channels/{channel}/}: {@code twilio}, {@code webhook}.
   */
  String segment();

  /**
   * Answers one request; never blocks. Reports what the request carries through the {@link
   * ProviderEvents} the endpoint was made with, and completes once it is durable. Completes
   * exceptionally when it could not be made durable: the HTTP layer answers {@code 503} and the
   * peer sends it again.
   */
  CompletionStage<EndpointReply> handle(EndpointRequest request);
}
