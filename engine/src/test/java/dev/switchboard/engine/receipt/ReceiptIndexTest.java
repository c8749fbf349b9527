package dev.switchboard.engine.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The index on the real PostgreSQL and on H2 in a file, as the engine runs it. */
class ReceiptIndexTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);

  @TempDir static Path dataDir;

  private static SqlStore postgresStore;
  private static SqlStore h2Store;
  private static Map<String, ReceiptIndex> indexes;

  @BeforeAll
  static void open() throws Exception {
    postgresStore =
        SqlStore.open(
            settings(Map.of("url", "jdbc:postgresql://127.0.0.1:5432/test", "user", "postgres")),
            2,
            blocking);
    h2Store = SqlStore.open(settings(Map.of("data-dir", dataDir.toString())), 2, blocking);
    indexes =
        Map.of(
            // No ids kept in memory: these tests are about the table.
            "postgres", ReceiptIndex.create(postgresStore, Clock.systemUTC(), 0),
            "h2", ReceiptIndex.create(h2Store, Clock.systemUTC(), 0));
    assertThat(h2Store.settings().isPostgres()).isFalse();
    assertThat(postgresStore.settings().isPostgres()).isTrue();
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

  private static String provider() {
    return "p-" + UUID.randomUUID();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void aRecordedIdFindsItsMessage(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String provider = provider();

    await(index.record(provider, List.of("sm-1"), "msg-1"));

    assertThat(await(index.find(provider, "sm-1"))).contains("msg-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void everyPartIdOfAMessageFindsIt(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String provider = provider();

    await(index.record(provider, List.of("part-a", "part-b", "part-c"), "msg-long"));

    for (String part : List.of("part-a", "part-b", "part-c")) {
      assertThat(await(index.find(provider, part))).as(part).contains("msg-long");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void recordingTheSameIdTwiceIsHarmless(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String provider = provider();

    await(index.record(provider, List.of("sm-2"), "msg-2"));
    await(index.record(provider, List.of("sm-2"), "msg-2"));

    assertThat(await(index.find(provider, "sm-2"))).contains("msg-2");
  }

  @Test
  void idsRecordedOnThisNodeAreFoundInMemoryAndOthersInTheTable() throws Exception {
    ReceiptIndex thisNode = ReceiptIndex.create(postgresStore, Clock.systemUTC(), 10);
    ReceiptIndex anotherNode = ReceiptIndex.create(postgresStore, Clock.systemUTC(), 10);
    String provider = provider();
    await(thisNode.record(provider, List.of("sm-mem"), "msg-mem"));
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        java.sql.PreparedStatement st =
            c.prepareStatement(
                "DELETE FROM "
                    + ReceiptIndex.TABLE
                    + " WHERE provider = ? AND provider_message_id = ?")) {
      st.setString(1, provider);
      st.setString(2, "sm-mem");
      assertThat(st.executeUpdate()).as("the row was written").isEqualTo(1);
    }

    assertThat(await(thisNode.find(provider, "sm-mem"))).contains("msg-mem");
    assertThat(await(anotherNode.find(provider, "sm-mem"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void anIdTheSmscReusesNamesTheNewestMessage(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String provider = provider();

    await(index.record(provider, List.of("sm-wrapped"), "msg-old"));
    await(index.record(provider, List.of("sm-wrapped"), "msg-new"));

    assertThat(await(index.find(provider, "sm-wrapped"))).contains("msg-new");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void idsAreKeptApartByProvider(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String one = provider();
    String other = provider();

    await(index.record(one, List.of("sm-3"), "msg-one"));
    await(index.record(other, List.of("sm-3"), "msg-other"));

    assertThat(await(index.find(one, "sm-3"))).contains("msg-one");
    assertThat(await(index.find(other, "sm-3"))).contains("msg-other");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void anUnknownIdFindsNothing(String db) throws Exception {
    ReceiptIndex index = indexes.get(db);
    String provider = provider();
    await(index.record(provider, List.of("sm-4"), "msg-4"));

    assertThat(await(index.find(provider, "sm-unknown"))).isEqualTo(Optional.empty());
    assertThat(await(index.find(provider(), "sm-4"))).isEqualTo(Optional.empty());
  }
}
