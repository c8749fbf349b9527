package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.health.HealthRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The provider instances of the enabled channels: one {@link ProviderRuntime} each, supervised with
 * backoff, registered in health and metrics, and grouped by channel into {@link ChannelRoute}s in
 * their configured order.
 */
public final class ProviderRegistry {
  private final Map<String, ChannelProvider> byChannel;
  private final Map<String, ChannelRoute> routes;
  private final ProviderEndpoints endpoints;

  private ProviderRegistry(
      Map<String, ChannelProvider> byChannel,
      Map<String, ChannelRoute> routes,
      ProviderEndpoints endpoints) {
    this.byChannel = byChannel;
    this.routes = routes;
    this.endpoints = endpoints;
  }

  /** What starting the providers needs from the engine. */
  public record Wiring(
      ProviderSettings settings,
      ProviderEvents events,
      ProviderIdIndex index,
      HealthRegistry health,
      MeterRegistry meters,
      Clock clock,
      Executor blocking,
      Duration askTimeout,
      ProviderState state) {}

  /** Creates and starts every instance from the factories found on the class path. */
  public static ProviderRegistry start(
      ActorContext<?> ctx, List<ChannelSettings> channels, Wiring wiring) {
    Map<String, ProviderFactory> factories =
        ServiceLoader.load(ProviderFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toMap(ProviderFactory::type, Function.identity()));
    Map<String, ChannelRoute> routes = new LinkedHashMap<>();
    ProviderEndpoints endpoints = new ProviderEndpoints(wiring.meters());
    for (ChannelSettings channel : channels) {
      List<ChannelRoute.Instance> instances = new ArrayList<>();
      for (ChannelSettings.ProviderInstance instance : channel.providers()) {
        instances.add(startInstance(ctx, channel, instance, factories, wiring, endpoints));
      }
      routes.put(
          channel.name(),
          new ChannelRoute(
              channel.name(),
              instances,
              wiring.askTimeout(),
              ctx.getSystem().scheduler(),
              ctx.getSystem().executionContext()));
    }
    closeOnShutdown(ctx, routes.values(), wiring.settings());
    return new ProviderRegistry(Map.copyOf(routes), Map.copyOf(routes), endpoints);
  }

  // Sessions end politely (SMPP unbind) when the node stops, once no work is taken any more.
  private static void closeOnShutdown(
      ActorContext<?> ctx, Iterable<ChannelRoute> routes, ProviderSettings settings) {
    List<ActorRef<ProviderRuntime.Command>> runtimes = new ArrayList<>();
    routes.forEach(route -> route.instances().forEach(i -> runtimes.add(i.runtime())));
    Duration bound = settings.closeTimeout().plusSeconds(1);
    CoordinatedShutdown.get(ctx.getSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "close-provider-sessions",
            () ->
                CompletableFuture.allOf(
                        runtimes.stream()
                            .map(
                                runtime ->
                                    AskPattern.<ProviderRuntime.Command, Done>ask(
                                            runtime,
                                            ProviderRuntime.Shutdown::new,
                                            bound,
                                            ctx.getSystem().scheduler())
                                        .toCompletableFuture()
                                        .exceptionally(error -> Done.getInstance()))
                            .toArray(CompletableFuture[]::new))
                    .thenApply(all -> Done.getInstance()));
  }

  private static ChannelRoute.Instance startInstance(
      ActorContext<?> ctx,
      ChannelSettings channel,
      ChannelSettings.ProviderInstance instance,
      Map<String, ProviderFactory> factories,
      Wiring wiring,
      ProviderEndpoints endpoints) {
    ProviderFactory factory = factories.get(instance.type());
    if (factory == null) {
      throw new IllegalArgumentException(
          "channel "
              + channel.name()
              + " names provider type '"
              + instance.type()
              + "', but only "
              + factories.keySet()
              + " are on the class path");
    }
    ProviderAdapter adapter =
        factory.create(
            new ProviderContext(
                instance.name(),
                channel.name(),
                channel.kind(),
                instance.config(),
                ctx.getSystem(),
                wiring.state()));
    ProviderLimits limits = wiring.settings().limitsFor(adapter, instance.config());
    ProviderHealth health =
        new ProviderHealth(
            instance.name(),
            channel.name(),
            adapter.peer(),
            wiring.clock(),
            wiring
                .settings()
                .circuitBreakerFor(typeDefaults(ctx, instance.type()), instance.config()));
    wiring.health().register(health);
    ProviderMetrics metrics = new ProviderMetrics(wiring.meters(), health, limits);
    adapter
        .endpoint(new EndpointEvents(wiring.events(), metrics))
        .ifPresent(endpoint -> endpoints.mount(channel.name(), instance.name(), endpoint));
    Behavior<ProviderRuntime.Command> runtime =
        ProviderRuntime.create(
            new ProviderRuntime.Setup(
                instance.name(),
                adapter,
                limits,
                wiring.settings(),
                health,
                metrics,
                wiring.events(),
                wiring.index(),
                wiring.blocking()));
    ActorRef<ProviderRuntime.Command> ref =
        ctx.spawn(
            Behaviors.supervise(runtime)
                .onFailure(
                    Exception.class,
                    SupervisorStrategy.restartWithBackoff(
                            wiring.settings().restartMinBackoff(),
                            wiring.settings().restartMaxBackoff(),
                            wiring.settings().restartRandomFactor())
                        .withResetBackoffAfter(
                            wiring.settings().restartMaxBackoff().multipliedBy(3))
                        // The runtime logged its cause once already, with its context.
                        .withLoggingEnabled(false)),
            "provider-" + instance.name().replaceAll("[^A-Za-z0-9_-]", "_"));
    return new ChannelRoute.Instance(ref, health);
  }

  // switchboard.providers.<type>: where a provider type keeps its defaults (channels module).
  private static Config typeDefaults(ActorContext<?> ctx, String type) {
    Config root = ctx.getSystem().settings().config();
    String path = ConfigUtil.joinPath("switchboard", "providers", type);
    return root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty();
  }

  /** A registry of given providers, for tests and embedders. */
  public static ProviderRegistry of(Map<String, ChannelProvider> providers) {
    return new ProviderRegistry(
        Map.copyOf(providers), Map.of(), ProviderEndpoints.none(new SimpleMeterRegistry()));
  }

  /** What the instances' peers call over HTTP. */
  public ProviderEndpoints endpoints() {
    return endpoints;
  }

  /**
   * The same registry with every channel's provider behind {@code guard} (what message entities
   * send through); {@link #route} still answers the bare routes.
   */
  public ProviderRegistry guardedBy(UnaryOperator<ChannelProvider> guard) {
    Map<String, ChannelProvider> guarded = new LinkedHashMap<>();
    byChannel.forEach((channel, provider) -> guarded.put(channel, guard.apply(provider)));
    return new ProviderRegistry(Map.copyOf(guarded), routes, endpoints);
  }

  /** What a message of {@code channel} is sent through on this node, if it serves it. */
  public Optional<ChannelProvider> find(String channel) {
    return Optional.ofNullable(byChannel.get(channel));
  }

  /** The route of {@code channel}, if this node serves it through provider instances. */
  public Optional<ChannelRoute> route(String channel) {
    return Optional.ofNullable(routes.get(channel));
  }
}
