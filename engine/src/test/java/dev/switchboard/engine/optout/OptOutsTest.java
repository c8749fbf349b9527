package dev.switchboard.engine.optout;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.testing.PostgresSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opt-outs on the real PostgreSQL (a schema of its own) and on H2 in a file, as the engine runs
 * them: keywords recorded and listed, kept apart by account and channel, paged, and seen by another
 * node after its refresh.
 */
class OptOutsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final OptOutSettings SETTINGS =
      new OptOutSettings(Duration.ofSeconds(2), Duration.ofSeconds(30));
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir static Path dataDir;

  private static PostgresSchema schema;
  private static Map<String, SqlStore> stores;

  @BeforeAll
  static void open() {
    schema = PostgresSchema.create("optouts");
    stores =
        Map.of(
            "postgres",
            SqlStore.open(schema.db(), 2, blocking),
            "h2",
            SqlStore.open(h2(dataDir), 2, blocking));
    assertThat(stores.get("postgres").settings().isPostgres()).isTrue();
    assertThat(stores.get("h2").settings().isPostgres()).isFalse();
  }

  @AfterAll
  static void close() {
    stores.values().forEach(SqlStore::close);
    schema.close();
    blocking.shutdownNow();
  }

  private static DatabaseSettings h2(Path dir) {
    return DatabaseSettings.create(
        ConfigFactory.empty()
            .withValue("switchboard.db.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()))
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private static OptOuts node(String db) throws Exception {
    return OptOuts.start(stores.get(db), SETTINGS, new SimpleMeterRegistry(), Clock.systemUTC());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String account() {
    return "acct-" + UUID.randomUUID();
  }

  private static InboundMessage inbound(
      String account, String channel, String from, String text, Instant at) {
    return new InboundMessage(
        "in_" + UUID.randomUUID(), account, channel, "smsc-1", from, "+447700900000", text, at);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void aStopOptsTheSenderOutAndAStartBackIn(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();

    await(optOuts.heard(inbound(account, "sms", "+447700900001", " Stop ", T0)));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900001")).isTrue();
    OptOutPage page = await(optOuts.list(account, Optional.empty(), 10, Optional.empty()));
    assertThat(page.rows())
        .containsExactly(
            new OptOut(account, "sms", "+447700900001", OptOut.KEYWORD, "smsc-1", "STOP", T0));
    assertThat(page.nextCursor()).isNull();

    await(optOuts.heard(inbound(account, "sms", "+447700900001", "unstop", T0.plusSeconds(1))));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900001")).isFalse();
    assertThat(await(optOuts.list(account, Optional.empty(), 10, Optional.empty())).rows())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void anOrdinaryMessageChangesNothing(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();
    await(optOuts.heard(inbound(account, "sms", "+447700900002", "STOP", T0)));

    await(optOuts.heard(inbound(account, "sms", "+447700900002", "start me up", T0)));
    await(optOuts.heard(inbound(account, "sms", "+447700900003", "stop by later", T0)));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900002")).isTrue();
    assertThat(optOuts.isOptedOut(account, "sms", "+447700900003")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void optOutsAreKeptApartByAccountAndChannel(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();
    String other = account();

    await(optOuts.heard(inbound(account, "sms", "+447700900004", "QUIT", T0)));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900004")).isTrue();
    assertThat(optOuts.isOptedOut(other, "sms", "+447700900004")).isFalse();
    assertThat(optOuts.isOptedOut(account, "sandbox", "+447700900004")).isFalse();
    assertThat(await(optOuts.list(other, Optional.empty(), 10, Optional.empty())).rows()).isEmpty();
    assertThat(await(optOuts.list(account, Optional.of("sandbox"), 10, Optional.empty())).rows())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void aRepeatedStopKeepsOneEntryWithTheLatestTime(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();

    await(optOuts.heard(inbound(account, "sms", "+447700900005", "STOP", T0)));
    await(optOuts.heard(inbound(account, "sms", "+447700900005", "END", T0.plusSeconds(5))));

    List<OptOut> rows = await(optOuts.list(account, Optional.empty(), 10, Optional.empty())).rows();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).detail()).isEqualTo("END");
    assertThat(rows.get(0).createdAt()).isEqualTo(T0.plusSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void theListPagesNewestFirstByCursorAndFiltersByChannel(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String recipient = "+44770090010" + i;
      await(optOuts.heard(inbound(account, "sms", recipient, "STOP", T0.plusSeconds(i))));
      expected.add(0, recipient);
    }
    // Two at the same instant: the cursor still tells them apart.
    await(optOuts.heard(inbound(account, "sandbox", "tie-b", "STOP", T0.plusSeconds(10))));
    await(optOuts.heard(inbound(account, "sandbox", "tie-a", "STOP", T0.plusSeconds(10))));
    expected.add(0, "tie-a");
    expected.add(0, "tie-b");

    List<String> listed = new ArrayList<>();
    Optional<OptOutPage.Cursor> cursor = Optional.empty();
    int pages = 0;
    do {
      OptOutPage page = await(optOuts.list(account, Optional.empty(), 2, cursor));
      page.rows().forEach(row -> listed.add(row.recipient()));
      cursor = Optional.ofNullable(page.nextCursor()).flatMap(OptOutPage.Cursor::parse);
      pages++;
    } while (cursor.isPresent());

    assertThat(listed).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(4);
    assertThat(await(optOuts.list(account, Optional.of("sandbox"), 10, Optional.empty())).rows())
        .extracting(OptOut::recipient)
        .containsExactly("tie-b", "tie-a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void anotherNodeSeesOptOutsAndOptInsAfterItsRefresh(String db) throws Exception {
    OptOuts first = node(db);
    OptOuts second = node(db);
    String account = account();

    await(first.heard(inbound(account, "sms", "+447700900006", "STOPALL", T0)));

    assertThat(second.isOptedOut(account, "sms", "+447700900006")).isFalse();
    await(second.refresh());
    assertThat(second.isOptedOut(account, "sms", "+447700900006")).isTrue();

    await(first.heard(inbound(account, "sms", "+447700900006", "START", T0.plusSeconds(1))));
    await(second.refresh());
    assertThat(second.isOptedOut(account, "sms", "+447700900006")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void aNodeStartedLaterLoadsEveryOptOut(String db) throws Exception {
    String account = account();
    await(node(db).heard(inbound(account, "sms", "+447700900007", "CANCEL", T0)));
    await(node(db).heard(inbound(account, "sms", "+447700900008", "STOP", T0)));
    OptOuts helper = node(db);
    await(helper.heard(inbound(account, "sms", "+447700900008", "YES", T0)));

    OptOuts started = node(db);

    assertThat(started.isOptedOut(account, "sms", "+447700900007")).isTrue();
    assertThat(started.isOptedOut(account, "sms", "+447700900008")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "h2"})
  void anOptInForSomeoneNotOptedOutWritesNothing(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();

    assertThat(await(optOuts.optIn(account, "sms", "+447700900009"))).isFalse();
    await(optOuts.heard(inbound(account, "sms", "+447700900009", "STOP", T0)));
    assertThat(await(optOuts.optIn(account, "sms", "+447700900009"))).isTrue();
    assertThat(await(optOuts.optIn(account, "sms", "+447700900009"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2"})
  void aRefreshThatReadAnOlderRowDoesNotUndoANewerChange(String db) throws Exception {
    OptOuts optOuts = node(db);
    String account = account();
    OptOutStore.Key key = new OptOutStore.Key(account, "sms", "+447700900010");
    await(optOuts.heard(inbound(account, "sms", "+447700900010", "STOP", T0)));

    // What a refresh that began before the STOP was written would have read.
    optOuts.apply(new OptOutStore.Change(key, false, 1));

    assertThat(optOuts.isOptedOut(account, "sms", "+447700900010")).isTrue();
  }
}
