package dev.switchboard.engine.broker;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.concurrent.CompletionStage;

/**
 * What a consumer hands each decoded message to. The broker message is acked when the stage
 * completes normally, and handed back (nacked for redelivery) when it fails.
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * @param redelivered the broker's flag: the message was handed out before and not acked
   */
  CompletionStage<?> handle(OutboundMessage message, boolean redelivered);
}
