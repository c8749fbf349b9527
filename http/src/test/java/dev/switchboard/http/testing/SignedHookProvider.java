package dev.switchboard.http.testing;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderFactory;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A test provider (type {@code signed-hook}) whose peer calls an endpoint: a form POST signed with
 * {@code x-test-signature: hex(HMAC-SHA256(secret, body))} is an inbound message ({@code from},
 * {@code text}); {@code GET echo} answers the URL the request was taken to have. Sends succeed.
 */
public final class SignedHookProvider implements ProviderAdapter {
  private final ProviderContext context;
  private final String secret;

  private SignedHookProvider(ProviderContext context) {
    this.context = context;
    this.secret = context.config().getString("secret");
  }

  /** Registered in META-INF/services of the http module's tests. */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "signed-hook";
    }

    @Override
    public ProviderAdapter create(ProviderContext context) {
      return new SignedHookProvider(context);
    }
  }

  /** The signature the endpoint expects over {@code body}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String peer() {
    return "test peer";
  }

  @Override
  public ProviderSession open(ProviderEvents events) {
    return new ProviderSession() {
      @Override
      public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
        return CompletableFuture.completedFuture(new SendOutcome.Sent("hook-" + UUID.randomUUID()));
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Optional<ProviderEndpoint> endpoint(ProviderEvents events) {
    return Optional.of(
        new ProviderEndpoint() {
          @Override
          public String segment() {
            return "hook";
          }

          @Override
          public CompletionStage<EndpointReply> handle(EndpointRequest request) {
            if (request.method().equals("GET") && request.path().equals("echo")) {
              return CompletableFuture.completedFuture(EndpointReply.text(request.url()));
            }
            if (!request.method().equals("POST") || !request.path().isEmpty()) {
              return CompletableFuture.completedFuture(EndpointReply.notFound());
            }
            String expected = sign(secret, request.body());
            String given = request.header("x-test-signature").orElse("");
            if (!MessageDigest.isEqual(expected.getBytes(), given.getBytes())) {
              return CompletableFuture.completedFuture(
                  EndpointReply.unauthorized("the signature does not match"));
            }
            Map<String, List<String>> form = request.form();
            if (!form.containsKey("from") || !form.containsKey("text")) {
              return CompletableFuture.completedFuture(
                  EndpointReply.invalid("from and text are required"));
            }
            InboundMessage inbound =
                new InboundMessage(
                    "in_" + UUID.randomUUID(),
                    "default",
                    context.channel(),
                    context.name(),
                    form.get("from").get(0),
                    "page",
                    form.get("text").get(0),
                    Instant.now());
            return events.inbound(inbound).thenApply(done -> EndpointReply.ok());
          }
        });
  }
}
