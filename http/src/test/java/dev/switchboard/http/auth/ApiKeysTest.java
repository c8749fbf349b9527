package dev.switchboard.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ApiKeysTest {
  private static final Pattern GENERATED_KEY = Pattern.compile("sb_[0-9a-f]+");

  @TempDir Path dataDir;

  private static Config config(String http) {
    return ConfigFactory.parseString(http).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void configuredKeyAuthenticatesTheDefaultAccount() throws Exception {
    ApiKeys keys =
        ApiKeys.create(config("switchboard.http.api-key = \"sb_test_configured_1\""), dataDir);

    assertThat(keys.authenticate("sb_test_configured_1")).contains(new Account("default"));
    assertThat(keys.authenticate("sb_test_configured_2")).isEmpty();
    assertThat(keys.authenticate("")).isEmpty();
    // A configured key is not generated, so nothing is written to the data directory.
    assertThat(dataDir.resolve(ApiKeys.KEY_FILE)).doesNotExist();
  }

  @Test
  void accountKeyHashAuthenticatesThatAccount() throws Exception {
    String acmeKey = "sb_acme_key_1";
    String betaKey = "sb_beta_key_1";
    ApiKeys keys =
        ApiKeys.create(
            config(
                "switchboard.http.api-key = \"sb_default_key_1\"\n"
                    + "switchboard.http.accounts = [\n"
                    + "  { id = \"acme\", key-sha256 = \""
                    + ApiKeys.sha256(acmeKey)
                    + "\" },\n"
                    // Upper-case hex is accepted too.
                    + "  { id = \"beta\", key-sha256 = \""
                    + ApiKeys.sha256(betaKey).toUpperCase(Locale.ROOT)
                    + "\" }\n"
                    + "]"),
            dataDir);

    assertThat(keys.authenticate(acmeKey)).contains(new Account("acme"));
    assertThat(keys.authenticate(betaKey)).contains(new Account("beta"));
    assertThat(keys.authenticate("sb_default_key_1")).contains(new Account("default"));
    assertThat(keys.authenticate("sb_acme_key_2")).isEmpty();
    // The configured hash is not itself a key.
    assertThat(keys.authenticate(ApiKeys.sha256(acmeKey))).isEmpty();
  }

  @Test
  void anAccountMayHaveSeveralKeysForRotation() throws Exception {
    ApiKeys keys =
        ApiKeys.create(
            config(
                "switchboard.http.api-key = \"sb_default_key_1\"\n"
                    + "switchboard.http.accounts = [{ id = \"acme\", key-sha256 = [\""
                    + ApiKeys.sha256("sb_acme_new")
                    + "\", \""
                    + ApiKeys.sha256("sb_acme_old")
                    + "\"] }]"),
            dataDir);

    assertThat(keys.authenticate("sb_acme_new")).contains(new Account("acme"));
    assertThat(keys.authenticate("sb_acme_old")).contains(new Account("acme"));
    assertThat(keys.authenticate("sb_acme_other")).isEmpty();
  }

  @Test
  void anAccountConfiguredTwiceIsRefusedBeforeAnythingStarts() {
    for (String id : new String[] {"acme", "default"}) {
      String accounts =
          "switchboard.http.accounts = [{ id = \""
              + id
              + "\", key-sha256 = \""
              + ApiKeys.sha256("k1")
              + "\" }, { id = \"acme\", key-sha256 = \""
              + ApiKeys.sha256("k2")
              + "\" }]";

      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  ApiKeys.create(
                      config("switchboard.http.api-key = \"sb_x\"\n" + accounts), dataDir))
          .withMessageContaining("'" + id + "' is configured twice");
    }
    assertThat(dataDir.resolve(ApiKeys.KEY_FILE)).doesNotExist();
  }

  @Test
  void oneKeyForTwoAccountsIsRefused() {
    String shared = ApiKeys.sha256("sb_shared");

    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ApiKeys.create(
                    config(
                        "switchboard.http.api-key = \"sb_x\"\n"
                            + "switchboard.http.accounts = [{ id = \"acme\", key-sha256 = \""
                            + shared
                            + "\" }, { id = \"beta\", key-sha256 = [\""
                            + shared
                            + "\"] }]"),
                    dataDir))
        .withMessageContaining("a key-sha256 of beta is also a key of acme");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ApiKeys.create(
                    config(
                        "switchboard.http.api-key = \"sb_shared\"\n"
                            + "switchboard.http.accounts = [{ id = \"acme\", key-sha256 = \""
                            + shared
                            + "\" }]"),
                    dataDir))
        .withMessageContaining("switchboard.http.api-key is also a key of the account acme");
  }

  @Test
  void accountKeyHashThatIsNot64HexDigitsIsRejected() {
    String tooShort = ApiKeys.sha256("k").substring(1);
    String notHex = "z" + ApiKeys.sha256("k").substring(1);

    for (String bad : new String[] {tooShort, notHex, "secret"}) {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  ApiKeys.create(
                      config(
                          "switchboard.http.api-key = \"sb_x\"\n"
                              + "switchboard.http.accounts = [{ id = \"acme\", key-sha256 = \""
                              + bad
                              + "\" }]"),
                      dataDir))
          .withMessageContaining("acme");
    }
  }

  @Test
  void sha256IsLowerCaseHex() {
    assertThat(ApiKeys.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void emptyApiKeyGeneratesAKeyAndKeepsOnlyItsHash() throws Exception {
    Path dir = dataDir.resolve("nested").resolve("data");
    Config root = config("switchboard.http.api-key = \"\"");
    Logger logger = (Logger) LoggerFactory.getLogger(ApiKeys.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    ApiKeys first;
    try {
      first = ApiKeys.create(root, dir);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    Path file = dir.resolve("default-api-key.sha256");
    assertThat(file).exists();
    String stored = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(stored).doesNotContain("sb_");
    String hash = stored.trim();
    assertThat(hash).matches("[0-9a-f]{64}");

    // The key is shown once, in the log; it authenticates, and the file holds its hash.
    Optional<String> shown =
        appender.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .map(GENERATED_KEY::matcher)
            .filter(Matcher::find)
            .map(Matcher::group)
            .findFirst();
    assertThat(shown).isPresent();
    assertThat(ApiKeys.sha256(shown.get())).isEqualTo(hash);
    assertThat(first.authenticate(shown.get())).contains(new Account("default"));
    // The stored hash is not the key.
    assertThat(first.authenticate(hash)).isEmpty();
    assertThat(first.authenticate(stored)).isEmpty();

    ApiKeys second = ApiKeys.create(root, dir);

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(stored);
    assertThat(second.authenticate(shown.get())).contains(new Account("default"));
    assertThat(second.authenticate(hash)).isEmpty();
  }

  @Test
  void corruptKeyFileFailsTheStartLoudly() throws Exception {
    Path dir = dataDir.resolve("corrupt");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("default-api-key.sha256"), "not a hash\n");

    assertThatThrownBy(() -> ApiKeys.create(config("switchboard.http.api-key = \"\""), dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("default-api-key.sha256");
  }

  @Test
  void anotherDataDirGetsAnotherKey() throws Exception {
    Config root = config("switchboard.http.api-key = \"\"");
    Path a = dataDir.resolve("a");
    Path b = dataDir.resolve("b");

    ApiKeys.create(root, a);
    ApiKeys.create(root, b);

    assertThat(Files.readString(a.resolve(ApiKeys.KEY_FILE)).trim())
        .isNotEqualTo(Files.readString(b.resolve(ApiKeys.KEY_FILE)).trim());
  }
}
