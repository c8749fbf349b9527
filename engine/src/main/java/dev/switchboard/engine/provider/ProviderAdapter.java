package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.Optional;

/**
 * One provider instance's way to its peer (an SMSC, an HTTP API). The engine's {@link
 * ProviderRuntime} owns it: it opens a {@link ProviderSession} (again, with backoff, whenever one
 * is lost), enforces the window of outstanding sends, the rate limit and every deadline, and shows
 * the instance in health and metrics. An adapter only speaks its protocol.
 */
public interface ProviderAdapter {

  /** Where the instance connects, for health and logs; never a credential. */
  String peer();

  /**
   * Opens a session: binds, authenticates. May block; runs on the provider's dispatcher. Throws
   * with a reason (no credential in it) when the peer cannot be reached or refuses.
   *
   * @param events where the session reports what the peer sends and that it was lost
   */
  ProviderSession open(ProviderEvents events) throws Exception;

  /**
   * What one message costs against the instance's rate limit and window: its SMS segments for SMS,
   * 1 for a request-per-message API.
   */
  default int cost(OutboundMessage message) {
    return 1;
  }

  /**
   * The instance's own window and rate limit when its configuration carries them (an SMPP URI's
   * {@code window} and {@code tps}); null to use the instance block's {@code window}/{@code tps} or
   * the runtime's defaults.
   */
  default ProviderLimits limits() {
    return null;
  }

  /**
   * True when the provider's receipts already name our message id ({@link
   * DeliveryReceipt#messageId()}), so no provider-id index has to be written for its sends.
   */
  default boolean receiptsNameOurIds() {
    return false;
  }

  /**
   * The endpoint the provider's peer calls over HTTP (status callbacks, inbound messages,
   * handshakes), for a provider that has one; asked once, when the instance starts.
   *
   * @param events where the endpoint reports receipts and inbound messages
   */
  default Optional<ProviderEndpoint> endpoint(ProviderEvents events) {
    return Optional.empty();
  }
}
