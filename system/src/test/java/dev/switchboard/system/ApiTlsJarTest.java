package dev.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The jar as an operator runs it with {@code SWITCHBOARD_HTTP_TLS_*}: it serves the API over HTTPS
 * (the management port stays plain HTTP), and a wrong key store password ends the process at once
 * with exit code 1 and one log line naming the setting, without the password or a stack trace.
 */
class ApiTlsJarTest {
  private Path dir;
  private Path keyStore;
  private String password;

  @BeforeEach
  void keyStore() throws Exception {
    dir = Files.createTempDirectory("switchboard-tls-jar");
    keyStore = dir.resolve("api.p12");
    password = "pw-" + UUID.randomUUID();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password)
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
  }

  @Test
  void aWrongPasswordEndsTheProcessWithOneLine() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    Process jar =
        jar(
            Map.of(
                "SWITCHBOARD_HTTP_TLS_KEY_STORE",
                keyStore.toString(),
                "SWITCHBOARD_HTTP_TLS_KEY_STORE_PASSWORD",
                wrong),
            ProcessBuilder.Redirect.PIPE);
    String output = new String(jar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(jar.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(jar.exitValue()).as(output).isEqualTo(1);
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines)
        .as(output)
        .hasSize(1)
        .first()
        .asString()
        .endsWith(
            "ERROR Main - Switchboard could not start: Invalid value at"
                + " 'switchboard.http.tls.key-store-password': does not open "
                + keyStore);
    assertThat(output).doesNotContain(wrong).doesNotContain(password);
  }

  @Test
  void theApiIsServedOverHttpsAndTheManagementPortStaysPlain() throws Exception {
    String amqpUri = SharedBroker.freshVhostUri("tls-jar");
    int api = freePort();
    int management = freePort();
    String key = "system-" + UUID.randomUUID();
    Path log = dir.resolve("engine.log");
    Process jar =
        jar(
            Map.of(
                "SWITCHBOARD_HTTP_TLS_KEY_STORE", keyStore.toString(),
                "SWITCHBOARD_HTTP_TLS_KEY_STORE_PASSWORD", password,
                "SWITCHBOARD_HTTP_PORT", Integer.toString(api),
                "SWITCHBOARD_MANAGEMENT_PORT", Integer.toString(management),
                "SWITCHBOARD_CLUSTER_PORT", Integer.toString(freePort()),
                "SWITCHBOARD_API_KEY", key,
                "SWITCHBOARD_AMQP_URI", amqpUri,
                "SWITCHBOARD_DATA_DIR", dir.resolve("data").toString()),
            ProcessBuilder.Redirect.appendTo(log.toFile()));
    HttpClient trusting = HttpClient.newBuilder().sslContext(trusting()).build();
    HttpClient plain = HttpClient.newHttpClient();
    try {
      await("ready over https, log " + log)
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(
              () -> {
                assertThat(jar.isAlive()).as("the engine is running; log " + log).isTrue();
                return send(trusting, get("https://127.0.0.1:" + api + "/health/ready")) == 200;
              });

      HttpResponse<String> sent =
          trusting.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api + "/v1/messages"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"tls\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
      assertThat(send(plain, get("http://127.0.0.1:" + management + "/health/ready")))
          .isEqualTo(200);
      assertThat(Files.readString(log))
          .contains("HTTP API listening on https://")
          .doesNotContain(password);
    } finally {
      jar.destroy();
      jar.waitFor(30, TimeUnit.SECONDS);
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  private Process jar(Map<String, String> env, ProcessBuilder.Redirect output) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                EngineJar.JAR.toAbsolutePath().toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output);
    builder.environment().putAll(env);
    return builder.start();
  }

  private SSLContext trusting() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("api", keys.getCertificate("api"));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static HttpRequest get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).GET().build();
  }

  private static int send(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
