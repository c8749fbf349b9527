package dev.switchboard.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.Engine;
import dev.switchboard.engine.EngineSettings;
import dev.switchboard.engine.SwitchboardConfig;
import dev.switchboard.engine.persistence.JournalSchema;
import dev.switchboard.http.api.ApiRoutes;
import dev.switchboard.http.api.HealthRoutes;
import dev.switchboard.http.api.MessageRoutes;
import dev.switchboard.http.api.MetricsRoutes;
import dev.switchboard.http.api.OptOutRoutes;
import dev.switchboard.http.api.ProviderRoutes;
import dev.switchboard.http.api.WebhookRoutes;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.auth.RateLimits;
import dev.switchboard.http.auth.WebhookAccounts;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Switchboard node: the journal schema made sure of, the actor system with the engine,
 * and the HTTP server. {@link Main} runs one; tests start several with their own configuration.
 */
public final class SwitchboardApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardApp.class);

  /**
   * Overrides of pekko-http's defaults: not in reference.conf, where the jar's merge order wins.
   */
  private static final String PEKKO_HTTP_SETTINGS = "switchboard-http-pekko.conf";

  private final ActorSystem<?> system;
  private final ServerBinding binding;
  private final ServerBinding management;

  private SwitchboardApp(ActorSystem<?> system, ServerBinding binding, ServerBinding management) {
    this.system = system;
    this.binding = binding;
    this.management = management;
  }

  /**
   * Starts a node and waits until its HTTP server is bound.
   *
   * @param application the application's own configuration (application.conf and overrides), not
   *     yet resolved; defaults are layered under it here
   */
  public static SwitchboardApp start(Config application, Duration startTimeout) throws Exception {
    Config config = configuration(application);
    EngineSettings settings = EngineSettings.create(config);
    HttpSettings http = HttpSettings.create(config);
    // Before anything starts: a key store that does not open stops the node here, in one line.
    Optional<ServerTls> tls = http.tls().map(ServerTls::open);
    ApiKeys keys = ApiKeys.create(config, settings.db().dataDir());
    RateLimits limits = RateLimits.create(config);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);

    // Until the journal answers, both ports serve the waiting node: live, not ready, 503 for the
    // rest; then the engine starts and its routes take over.
    Waiting waiting = new Waiting(settings.db(), Clock.systemUTC());
    AtomicReference<ApiRoutes> running = new AtomicReference<>();
    CompletableFuture<ServerBinding> bound = new CompletableFuture<>();
    CompletableFuture<ServerBinding> managementBound = new CompletableFuture<>();
    Behavior<Starting> guardian =
        Behaviors.setup(
            ctx -> {
              HttpServer.start(
                      ctx.getSystem(),
                      waiting.switchTo(running, ApiRoutes::routes, false),
                      "HTTP API",
                      http.host(),
                      http.port(),
                      http.unbindDeadline(),
                      tls)
                  .whenComplete(completing(bound));
              HttpServer.start(
                      ctx.getSystem(),
                      waiting.switchTo(running, ApiRoutes::management, true),
                      "management (health, metrics)",
                      http.managementHost(),
                      http.managementPort(),
                      http.unbindDeadline(),
                      // Plain HTTP: it is bound to loopback (or a private interface) for probes.
                      Optional.empty())
                  .whenComplete(completing(managementBound));
              return Behaviors.withTimers(
                  timers -> {
                    checkJournal(ctx, settings);
                    return Behaviors.receive(Starting.class)
                        .onMessage(
                            JournalChecked.class,
                            checked -> {
                              if (checked.error() != null) {
                                waiting.journalDown(checked.error());
                                timers.startSingleTimer(
                                    new RetryJournal(), settings.db().probeInterval());
                                return Behaviors.same();
                              }
                              Engine engine =
                                  Engine.start(
                                      ctx, settings, meters, WebhookAccounts.create(config));
                              running.set(apiRoutes(engine, settings, http, keys, limits, meters));
                              return Behaviors.empty();
                            })
                        .onMessage(
                            RetryJournal.class,
                            retry -> {
                              checkJournal(ctx, settings);
                              return Behaviors.same();
                            })
                        .build();
                  });
            });
    ActorSystem<Starting> system = ActorSystem.create(guardian, "switchboard", config);
    try {
      long deadline = System.nanoTime() + startTimeout.toNanos();
      ServerBinding binding = bound.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      ServerBinding management =
          managementBound.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return new SwitchboardApp(system, binding, management);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  /** What the guardian hears while the node waits for its journal. */
  private sealed interface Starting {}

  private record JournalChecked(Throwable error) implements Starting {}

  private record RetryJournal() implements Starting {}

  // Creates the journal's schema when missing, off the guardian's thread; bounded by the
  // database's connect and socket timeouts.
  private static void checkJournal(ActorContext<Starting> ctx, EngineSettings settings) {
    Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                if (JournalSchema.ensure(settings.db())) {
                  LOG.info("journal schema created: url={}", settings.db().displayUrl());
                }
                return true;
              } catch (java.sql.SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            blocking),
        (ok, error) -> new JournalChecked(error));
  }

  private static ApiRoutes apiRoutes(
      Engine engine,
      EngineSettings settings,
      HttpSettings http,
      ApiKeys keys,
      RateLimits limits,
      PrometheusMeterRegistry meters) {
    Set<String> channels =
        engine.channels().stream().map(ChannelSettings::name).collect(Collectors.toSet());
    MessageRoutes messages =
        new MessageRoutes(
            engine.gateway(), channels, settings.webhooks().policy(), http, Clock.systemUTC());
    return new ApiRoutes(
        keys,
        limits,
        messages,
        new WebhookRoutes(engine.webhooks()),
        new ProviderRoutes(engine.endpoints(), http.publicUrl(), settings.delivery().retryAfter()),
        new OptOutRoutes(engine.optOuts(), channels),
        new HealthRoutes(engine.health()),
        new MetricsRoutes(meters),
        meters,
        http.bodyReadTimeout());
  }

  /**
   * The configuration a node runs on, for the jar and the tests alike: the application's, then
   * Switchboard's settings for pekko-http and for Pekko, then every module's {@code
   * reference.conf}.
   */
  public static Config configuration(Config application) {
    return SwitchboardConfig.load(
        application.withFallback(ConfigFactory.parseResources(PEKKO_HTTP_SETTINGS)));
  }

  private static BiConsumer<ServerBinding, Throwable> completing(
      CompletableFuture<ServerBinding> bound) {
    return (binding, error) -> {
      if (error != null) {
        bound.completeExceptionally(error);
      } else {
        bound.complete(binding);
      }
    };
  }

  /** The API port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** The management port: detailed health and metrics. */
  public int managementPort() {
    return management.localAddress().getPort();
  }

  public ActorSystem<?> system() {
    return system;
  }

  /** Runs coordinated shutdown and waits (bounded) for the system to terminate. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the actor system did not terminate", e);
    }
  }
}
