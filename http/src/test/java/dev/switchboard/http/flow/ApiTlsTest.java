package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.Main;
import dev.switchboard.http.SwitchboardApp;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.TestKeyStore;
import dev.switchboard.http.testing.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The API port serves HTTPS from a configured key store: a client trusting the certificate sends a
 * message over TLS; plain HTTP to that port, or a client that does not trust the certificate, gets
 * nothing through; the management port stays plain HTTP. A key store that does not open stops the
 * start with one line naming the setting, never the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTlsTest {
  private final TestKeyStore keyStore = TestKeyStore.generate();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    logs.start();
    root().addAppender(logs);
    amqpUri = SharedBroker.freshVhostUri("api-tls");
    node = TestNode.startHttps(amqpUri, keyStore, Map.of());
  }

  @AfterAll
  void stop() {
    root().detachAppender(logs);
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void aMessageIsSentOverHttpsAndReadBack() {
    TestNode.Response sent = node.sendSandbox("+447700900123", "over TLS");

    assertThat(node.uri("/").getScheme()).isEqualTo("https");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().path("id").asText();
    assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(200);
  }

  @Test
  void plainHttpToTheTlsPortGetsNoMessageThrough() throws Exception {
    String key = "plain-" + UUID.randomUUID();
    HttpRequest plain =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.app().port() + "/v1/messages"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + node.apiKey())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"plain\"}"))
            .build();

    assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    String id = MessageIds.forIdempotencyKey(ApiKeys.DEFAULT_ACCOUNT, key);
    assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(404);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpRequest request =
        HttpRequest.newBuilder(node.uri("/health/live")).timeout(Duration.ofSeconds(10)).build();

    assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theManagementPortStaysPlainHttp() {
    assertThat(node.managementUri("/").getScheme()).isEqualTo("http");
    assertThat(node.management("/health/ready").status()).isEqualTo(200);
  }

  @Test
  void thePasswordIsNeverLogged() {
    assertThat(List.copyOf(logs.list))
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("listening on https://"))
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(keyStore.password()));
  }

  @Test
  void aWrongPasswordStopsTheStartWithOneLineNamingTheSetting() {
    String wrong = "wrong-" + UUID.randomUUID();

    String line = startFailure(keyStore.path().toString(), wrong);

    assertThat(line)
        .startsWith("Invalid value at 'switchboard.http.tls.key-store-password'")
        .contains(keyStore.path().toString())
        .doesNotContain(wrong)
        .doesNotContain(keyStore.password())
        .doesNotContain("\n")
        .doesNotContain("Exception");
  }

  @Test
  void aMissingKeyStoreStopsTheStartWithOneLineNamingTheSetting() throws IOException {
    String missing = Files.createTempDirectory("no-key-store").resolve("api.p12").toString();

    String line = startFailure(missing, keyStore.password());

    assertThat(line)
        .isEqualTo("Invalid value at 'switchboard.http.tls.key-store': no file at " + missing);
  }

  @Test
  void aFileThatIsNotAKeyStoreStopsTheStart() throws IOException {
    java.nio.file.Path notAStore = Files.createTempFile("not-a-key-store", ".p12");
    Files.writeString(notAStore, "-----BEGIN CERTIFICATE-----\n");

    String line = startFailure(notAStore.toString(), keyStore.password());

    assertThat(line)
        .startsWith("Invalid value at 'switchboard.http.tls.key-store'")
        .contains("cannot be read as a PKCS12 key store")
        .doesNotContain(keyStore.password());
  }

  /** The line Main would log for a node started on this key store and password. */
  private String startFailure(String path, String password) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("switchboard.http.host", "127.0.0.1");
    settings.put("switchboard.http.port", 0);
    settings.put("switchboard.http.management.port", 0);
    settings.put("switchboard.http.api-key", "k");
    settings.put("switchboard.http.tls.key-store", path);
    settings.put("switchboard.http.tls.key-store-password", password);
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> SwitchboardApp.start(ConfigFactory.parseMap(settings), Duration.ofSeconds(30)));
    assertThat(failure).as("the start must fail").isNotNull();
    return Main.describe(failure);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  }
}
