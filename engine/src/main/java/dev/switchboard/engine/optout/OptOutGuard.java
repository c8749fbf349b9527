package dev.switchboard.engine.optout;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ChannelProvider;
import dev.switchboard.engine.provider.SendOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of a channel's providers: a send to a recipient who opted out of the message's account
 * on its channel fails at once ({@link SendOutcome#RECIPIENT_OPTED_OUT}, permanent) and reaches no
 * provider; a provider that answers that its recipient opted out has the opt-out recorded.
 */
final class OptOutGuard implements ChannelProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OptOutGuard.class);

  private final ChannelProvider provider;
  private final OptOuts optOuts;

  OptOutGuard(ChannelProvider provider, OptOuts optOuts) {
    this.provider = provider;
    this.optOuts = optOuts;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    if (optOuts.isOptedOut(message.account(), message.channel(), message.to())) {
      optOuts.blocked(message.channel());
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure(
              SendOutcome.RECIPIENT_OPTED_OUT,
              "the recipient opted out of this account's messages on channel "
                  + message.channel()
                  + "; nothing was sent"));
    }
    return provider.send(message, attempt).thenCompose(outcome -> recorded(message, outcome));
  }

  // The message fails whether or not the opt-out is written: the provider refuses it anyway, and
  // the next send to the recipient tries to record it again.
  private CompletionStage<SendOutcome> recorded(OutboundMessage message, SendOutcome outcome) {
    if (!(outcome instanceof SendOutcome.PermanentFailure failure) || !failure.optedOut()) {
      return CompletableFuture.completedFuture(outcome);
    }
    return optOuts
        .reported(message, failure)
        .handle(
            (ok, error) -> {
              if (error != null) {
                LOG.warn(
                    "opt-out reported by the provider not recorded: messageId={} channel={}"
                        + " provider={} cause={}",
                    message.id(),
                    message.channel(),
                    failure.provider(),
                    String.valueOf(error.getCause() != null ? error.getCause() : error));
              }
              return outcome;
            });
  }
}
