package dev.switchboard.engine.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.optout.OptOutSettings;
import dev.switchboard.engine.optout.OptOuts;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.webhook.CustomerEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound queue's work: a keyword is recorded as an opt-out (or opt-in) before the message's
 * event is queued, and the message still reaches the customer; when the opt-out cannot be written
 * the work fails (its broker message is not acked).
 */
class InboundWorkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dataDir;

  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private final List<InboundMessage> queued = new CopyOnWriteArrayList<>();
  private SqlStore store;
  private OptOuts optOuts;
  private InboundWork work;

  @BeforeEach
  void setUp() throws Exception {
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
    optOuts =
        OptOuts.start(
            store,
            new OptOutSettings(Duration.ofSeconds(2), Duration.ofSeconds(30)),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    work =
        new InboundWork(
            new CustomerEvents() {
              @Override
              public CompletionStage<Void> statusChanged(MessageView message) {
                return CompletableFuture.completedFuture(null);
              }

              @Override
              public CompletionStage<Void> inbound(InboundMessage message) {
                queued.add(message);
                return CompletableFuture.completedFuture(null);
              }
            },
            optOuts);
  }

  @AfterEach
  void tearDown() {
    store.close();
    blocking.shutdownNow();
  }

  private static InboundMessage inbound(String from, String text) {
    return new InboundMessage(
        "in_" + UUID.randomUUID(),
        "default",
        "sms",
        "smsc-1",
        from,
        "+447700900000",
        text,
        Instant.now());
  }

  private void handle(InboundMessage message) throws Exception {
    work.handle(message, false).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aStopOptsTheSenderOutAndStillReachesTheCustomer() throws Exception {
    InboundMessage stop = inbound("+447700900301", "stop");

    handle(stop);

    assertThat(optOuts.isOptedOut("default", "sms", "+447700900301")).isTrue();
    assertThat(queued).containsExactly(stop);
  }

  @Test
  void aStartOptsTheSenderBackInAndStillReachesTheCustomer() throws Exception {
    handle(inbound("+447700900302", "STOP"));
    InboundMessage start = inbound("+447700900302", "Start");

    handle(start);

    assertThat(optOuts.isOptedOut("default", "sms", "+447700900302")).isFalse();
    assertThat(queued).hasSize(2).last().isEqualTo(start);
  }

  @Test
  void anOrdinaryMessageOnlyReachesTheCustomer() throws Exception {
    InboundMessage hello = inbound("+447700900303", "stop by later");

    handle(hello);

    assertThat(optOuts.isOptedOut("default", "sms", "+447700900303")).isFalse();
    assertThat(queued).containsExactly(hello);
  }

  @Test
  void aStopThatCannotBeWrittenFailsTheWorkBeforeTheEvent() {
    store.close();

    assertThatThrownBy(() -> handle(inbound("+447700900304", "STOP")))
        .isInstanceOf(ExecutionException.class);
    assertThat(queued).isEmpty();
    assertThat(optOuts.isOptedOut("default", "sms", "+447700900304")).isFalse();
  }
}
