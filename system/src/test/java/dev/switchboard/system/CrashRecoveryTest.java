package dev.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.SharedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code 202} is a promise: the engine's jar under traffic is killed with SIGKILL twice and
 * restarted on the same data each time; afterwards every message that got a {@code 202} is
 * readable. On the embedded H2 journal (its commits must reach the file before the API answers, and
 * a kill must not leave the file unreadable) and on PostgreSQL.
 */
class CrashRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  // A kill loses what only memory held (the sandbox's pending receipts, a publish in flight); the
  // reconciler ends or republishes those messages, here within seconds instead of its defaults.
  private static final List<String> RECONCILE_FAST =
      List.of(
          "-Dswitchboard.engine.reconciler.interval=2s",
          "-Dswitchboard.engine.reconciler.accepted-grace=10s",
          "-Dswitchboard.engine.reconciler.retry-grace=10s",
          "-Dswitchboard.engine.reconciler.recent-lag=5s",
          "-Dswitchboard.engine.channels.sandbox.receipt-window=15s");

  private String amqpUri;
  private Path dataDir;
  private String database;

  @BeforeEach
  void setUp() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("crash");
    dataDir = Files.createTempDirectory("switchboard-crash");
  }

  @AfterEach
  void tearDown() throws Exception {
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    if (database != null) {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void everyAcceptedMessageSurvivesTwoKillsOnTheEmbeddedJournal() throws Exception {
    survivesTwoKills("");
  }

  @Test
  void everyAcceptedMessageSurvivesTwoKillsOnPostgres() throws Exception {
    database = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    survivesTwoKills(POSTGRES + database);
  }

  private void survivesTwoKills(String dbUrl) throws Exception {
    EngineJar engine = new EngineJar(dataDir, amqpUri, dbUrl, Map.of(), RECONCILE_FAST);
    List<String> accepted;
    try (engine) {
      engine.start();
      try (Traffic traffic = new Traffic(engine, "sandbox", 8)) {
        for (int kill = 1; kill <= 2; kill++) {
          int target = traffic.acceptedCount() + 300;
          await("300 more accepted before kill " + kill)
              .atMost(Duration.ofSeconds(60))
              .until(() -> traffic.acceptedCount() >= target);
          engine.kill();
          engine.start();
        }
        int target = traffic.acceptedCount() + 100;
        await("100 more accepted after the last restart")
            .atMost(Duration.ofSeconds(60))
            .until(() -> traffic.acceptedCount() >= target);
        assertThat(traffic.unexpected()).as("answers other than 202/503").isZero();
        accepted = traffic.accepted();
      }

      List<String> unreadable = new ArrayList<>();
      for (String id : accepted) {
        if (engine.get("/v1/messages/" + id).statusCode() != 200) {
          unreadable.add(id);
        }
      }
      assertThat(unreadable)
          .as(
              "202 messages not readable after two SIGKILLs, of %d; log %s",
              accepted.size(), engine.log())
          .isEmpty();

      List<String> pending = new ArrayList<>(accepted);
      await("every accepted message reaches an end state; log " + engine.log())
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                Map<String, String> open = new TreeMap<>();
                for (String id : List.copyOf(pending)) {
                  JsonNode message = read(engine, id);
                  if (message.path("terminal").asBoolean(false)) {
                    pending.remove(id);
                  } else {
                    open.put(id, message.path("status").asText());
                  }
                }
                assertThat(open).as("not at an end state, of %d", accepted.size()).isEmpty();
              });
    }
  }

  private static JsonNode read(EngineJar engine, String id) throws Exception {
    return JSON.readTree(engine.get("/v1/messages/" + id).body());
  }

  private static void admin(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(POSTGRES + "test", "root", "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
