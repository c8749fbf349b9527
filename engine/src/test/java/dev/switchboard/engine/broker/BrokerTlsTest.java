package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code amqps://} verifies the broker's certificate: a server whose self-signed certificate the
 * JVM does not trust is refused in the TLS handshake (the client's own default trusts anything).
 */
class BrokerTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    try (SSLServerSocket server = tlsServer()) {
      Thread acceptor =
          new Thread(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.startHandshake();
                } catch (Exception e) {
                  // The client refusing our certificate ends the handshake here.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      BrokerSettings settings =
          BrokerSettings.create(
              ConfigFactory.parseMap(
                      Map.of(
                          "switchboard.broker.uri",
                          "amqps://guest:guest@localhost:" + server.getLocalPort(),
                          "switchboard.broker.connect-timeout",
                          "3s"))
                  .withFallback(ConfigFactory.defaultReference()));
      BrokerConnector connector = new BrokerConnector(settings);

      assertThatThrownBy(
              () ->
                  connector.open(
                      "tls-test",
                      new Site(
                          "primary",
                          List.of("amqps://guest:guest@localhost:" + server.getLocalPort()))))
          .isInstanceOf(BrokerUnavailableException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .containsAnyOf("PKIX", "certification path", "SSLHandshakeException"));
    }
  }

  private static SSLServerSocket tlsServer() throws Exception {
    Path dir = Files.createTempDirectory("broker-tls");
    Path keyStore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return (SSLServerSocket)
        context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }
}
