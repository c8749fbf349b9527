package dev.switchboard.engine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.engine.broker.BrokerSettings;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The database's JDBC calls have threads of their own, apart from the broker's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseDispatcherTest {
  private ActorTestKit testKit;

  @TempDir Path dataDir;

  @BeforeAll
  void start() {
    testKit = ActorTestKit.create(ConfigFactory.defaultReference());
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void theDispatcherIsConfiguredApartFromTheBrokersWithAThreadPerConnection() {
    Config root = ConfigFactory.defaultReference();
    DatabaseSettings db = DatabaseSettings.create(root);

    assertThat(db.blockingDispatcher())
        .isNotEqualTo(BrokerSettings.create(root).blockingDispatcher());
    Config dispatcher = root.getConfig(db.blockingDispatcher());
    assertThat(dispatcher.getString("type")).isEqualTo("Dispatcher");
    assertThat(dispatcher.getInt("thread-pool-executor.fixed-pool-size"))
        .isGreaterThanOrEqualTo(db.poolSize());
  }

  @Test
  void aStoreOnItRunsItsWorkOnTheDatabaseThreads() throws Exception {
    DatabaseSettings db =
        DatabaseSettings.create(
            ConfigFactory.defaultReference()
                .withValue(
                    "switchboard.db.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString())));
    Executor database =
        testKit
            .system()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(db.blockingDispatcher()));

    try (SqlStore store = SqlStore.open(db, 1, database)) {
      String thread =
          store.run(connection -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);

      assertThat(thread).contains("switchboard.db.blocking-dispatcher");
    }
  }
}
