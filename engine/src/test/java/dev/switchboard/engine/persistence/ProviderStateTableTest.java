package dev.switchboard.engine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.provider.ProviderState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table on the real PostgreSQL and on H2 in a file, and the in-memory state beside them. */
class ProviderStateTableTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);

  @TempDir static Path dataDir;

  private static SqlStore postgresStore;
  private static SqlStore h2Store;
  private static Map<String, ProviderState> states;

  @BeforeAll
  static void open() throws Exception {
    postgresStore =
        SqlStore.open(
            settings(Map.of("url", "jdbc:postgresql://127.0.0.1:5432/test", "user", "postgres")),
            2,
            blocking);
    h2Store = SqlStore.open(settings(Map.of("data-dir", dataDir.toString())), 2, blocking);
    states =
        Map.of(
            "postgres", ProviderStateTable.create(postgresStore, Clock.systemUTC()),
            "h2", ProviderStateTable.create(h2Store, Clock.systemUTC()),
            "memory", ProviderState.inMemory());
    // Created twice, as by a second node: the table is kept.
    ProviderStateTable.create(h2Store, Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    postgresStore.close();
    h2Store.close();
    blocking.shutdownNow();
  }

  private static DatabaseSettings settings(Map<String, String> db) {
    return DatabaseSettings.create(
        ConfigFactory.empty()
            .withValue("switchboard.db", ConfigValueFactory.fromMap(db))
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2", "memory"})
  void aValueIsWrittenOnlyOverTheVersionTheWriterRead(String db) throws Exception {
    ProviderState state = states.get(db);
    String provider = "p-" + UUID.randomUUID();

    assertThat(await(state.read(provider, "token"))).isEmpty();
    assertThat(await(state.write(provider, "token", 0, "first"))).isTrue();
    assertThat(await(state.write(provider, "token", 0, "a second first"))).isFalse();
    assertThat(await(state.read(provider, "token"))).contains(new ProviderState.Entry(1, "first"));
    assertThat(await(state.write(provider, "token", 1, "second"))).isTrue();
    assertThat(await(state.write(provider, "token", 1, "stale"))).isFalse();

    assertThat(await(state.read(provider, "token")))
        .isEqualTo(Optional.of(new ProviderState.Entry(2, "second")));
    assertThat(await(state.read(provider, "other"))).isEmpty();
    assertThat(await(state.read("p-" + UUID.randomUUID(), "token"))).isEmpty();
  }
}
