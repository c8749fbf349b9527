package dev.switchboard.engine.optout;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.ChannelProvider;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.SendOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard in front of a channel's providers, over opt-outs on H2. */
class OptOutGuardTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);

  @TempDir static Path dataDir;

  private static SqlStore store;

  private OptOuts optOuts;
  private Provider provider;
  private ChannelProvider guarded;
  private String account;

  /** A provider that records what reached it and answers as told. */
  private static final class Provider implements ChannelProvider {
    final List<OutboundMessage> received = new CopyOnWriteArrayList<>();
    volatile SendOutcome answer = new SendOutcome.Sent("prov-1");

    @Override
    public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
      received.add(message);
      return CompletableFuture.completedFuture(answer);
    }
  }

  @BeforeAll
  static void open() {
    store =
        SqlStore.open(
            DatabaseSettings.create(
                ConfigFactory.empty()
                    .withValue(
                        "switchboard.db.data-dir",
                        ConfigValueFactory.fromAnyRef(dataDir.toString()))
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve()),
            2,
            blocking);
  }

  @AfterAll
  static void close() {
    store.close();
    blocking.shutdownNow();
  }

  @BeforeEach
  void setUp() throws Exception {
    optOuts =
        OptOuts.start(
            store,
            new OptOutSettings(Duration.ofSeconds(2), Duration.ofSeconds(30)),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    provider = new Provider();
    guarded = optOuts.guard(provider);
    account = "acct-" + UUID.randomUUID();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private OutboundMessage message(String account, String channel, String to) {
    return new OutboundMessage(
        "msg_" + UUID.randomUUID(),
        account,
        channel,
        to,
        null,
        "hello",
        null,
        0,
        Map.of(),
        Instant.now());
  }

  private void stop(String channel, String from) throws Exception {
    await(
        optOuts.heard(
            new InboundMessage(
                "in_" + UUID.randomUUID(),
                account,
                channel,
                "smsc-1",
                from,
                "+447700900000",
                "STOP",
                Instant.now())));
  }

  @Test
  void aSendToAnOptedOutRecipientFailsAtOnceAndReachesNoProvider() throws Exception {
    stop("sms", "+447700900201");

    SendOutcome outcome = await(guarded.send(message(account, "sms", "+447700900201"), 1));

    assertThat(outcome).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(((SendOutcome.PermanentFailure) outcome).code()).isEqualTo("recipient_opted_out");
    assertThat(provider.received).isEmpty();
  }

  @Test
  void otherSendsGoThroughUnchanged() throws Exception {
    stop("sms", "+447700900202");

    SendOutcome toOther = await(guarded.send(message(account, "sms", "+447700900203"), 1));
    SendOutcome otherAccount =
        await(guarded.send(message("acct-" + UUID.randomUUID(), "sms", "+447700900202"), 1));
    SendOutcome otherChannel = await(guarded.send(message(account, "sandbox", "+447700900202"), 1));

    assertThat(List.of(toOther, otherAccount, otherChannel))
        .containsOnly(new SendOutcome.Sent("prov-1"));
    assertThat(provider.received).hasSize(3);
  }

  @Test
  void aProviderThatSaysTheRecipientOptedOutHasItRecorded() throws Exception {
    provider.answer =
        new SendOutcome.PermanentFailure(
            "recipient_opted_out", "twilio 21610: unsubscribed recipient", "twilio-1");

    SendOutcome first = await(guarded.send(message(account, "sms", "+447700900204"), 1));
    SendOutcome second = await(guarded.send(message(account, "sms", "+447700900204"), 1));

    assertThat(first).isEqualTo(provider.answer);
    assertThat(second).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(provider.received).as("the second send reached no provider").hasSize(1);
    OptOut recorded =
        await(optOuts.list(account, Optional.empty(), 10, Optional.empty())).rows().get(0);
    assertThat(recorded.recipient()).isEqualTo("+447700900204");
    assertThat(recorded.channel()).isEqualTo("sms");
    assertThat(recorded.source()).isEqualTo(OptOut.PROVIDER);
    assertThat(recorded.provider()).isEqualTo("twilio-1");
    assertThat(recorded.detail()).isEqualTo("twilio 21610: unsubscribed recipient");
  }

  @Test
  void anotherPermanentFailureRecordsNothing() throws Exception {
    provider.answer = new SendOutcome.PermanentFailure("invalid_recipient", "no such number");

    await(guarded.send(message(account, "sms", "+447700900205"), 1));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900205")).isFalse();
    assertThat(await(optOuts.list(account, Optional.empty(), 10, Optional.empty())).rows())
        .isEmpty();
  }
}
