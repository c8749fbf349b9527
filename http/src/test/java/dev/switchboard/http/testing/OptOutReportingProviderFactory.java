package dev.switchboard.http.testing;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderFactory;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Provider type {@code opt-out-reporting}, for tests only: answers as a provider whose recipient
 * opted out on its side (Twilio's 21610) for recipients ending in {@code 21610}, and takes every
 * other message. Counts the sends that reached it, per recipient.
 */
public final class OptOutReportingProviderFactory implements ProviderFactory {
  public static final String OPTED_OUT_SUFFIX = "21610";
  private static final Map<String, AtomicInteger> SENDS = new ConcurrentHashMap<>();

  /** Sends to {@code recipient} that reached a provider of this type. */
  public static int sendsTo(String recipient) {
    AtomicInteger sends = SENDS.get(recipient);
    return sends == null ? 0 : sends.get();
  }

  @Override
  public String type() {
    return "opt-out-reporting";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    return new ProviderAdapter() {
      @Override
      public String peer() {
        return "test";
      }

      @Override
      public ProviderSession open(ProviderEvents events) {
        return new ProviderSession() {
          @Override
          public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
            SENDS.computeIfAbsent(message.to(), to -> new AtomicInteger()).incrementAndGet();
            if (message.to().endsWith(OPTED_OUT_SUFFIX)) {
              return CompletableFuture.completedFuture(
                  new SendOutcome.PermanentFailure(
                      SendOutcome.RECIPIENT_OPTED_OUT,
                      "21610: Attempt to send to unsubscribed recipient"));
            }
            return CompletableFuture.completedFuture(new SendOutcome.Sent("tp-" + message.id()));
          }

          @Override
          public void close() {}
        };
      }
    };
  }
}
