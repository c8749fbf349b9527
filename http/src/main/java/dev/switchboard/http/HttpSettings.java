package dev.switchboard.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** {@code switchboard.http}, read once. */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    long maxBatchBodyBytes,
    Duration bodyReadTimeout,
    Duration unbindDeadline,
    String managementHost,
    int managementPort,
    String publicUrl,
    Optional<Tls> tls) {

  static final String TLS = "switchboard.http.tls";

  /**
   * The API port's key store ({@code switchboard.http.tls}); present only when TLS is on.
   *
   * @param password never shown: {@link #toString()} leaves it out
   */
  public record Tls(String keyStore, String password, String keyStoreType) {
    @Override
    public String toString() {
      return "Tls[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + "]";
    }
  }

  public static HttpSettings create(Config root) {
    Config c = root.getConfig("switchboard.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body-size"),
        c.getBytes("max-batch-body-size"),
        c.getDuration("body-read-timeout"),
        c.getDuration("unbind-deadline"),
        c.getString("management.host"),
        c.getInt("management.port"),
        c.getString("public-url"),
        tls(c.getConfig("tls")));
  }

  // "auto" is on exactly when a key store is named, so setting the key store alone enables TLS.
  private static Optional<Tls> tls(Config c) {
    String keyStore = c.getString("key-store").trim();
    String enabled = c.getString("enabled").trim().toLowerCase(Locale.ROOT);
    boolean on =
        switch (enabled) {
          case "auto" -> !keyStore.isEmpty();
          case "true", "on", "yes" -> true;
          case "false", "off", "no" -> false;
          default ->
              throw new ConfigException.BadValue(
                  TLS + ".enabled", "must be auto, true or false, not '" + enabled + "'");
        };
    if (!on) {
      return Optional.empty();
    }
    if (keyStore.isEmpty()) {
      throw new ConfigException.BadValue(
          TLS + ".key-store",
          "TLS is enabled but no key store is set (SWITCHBOARD_HTTP_TLS_KEY_STORE)");
    }
    return Optional.of(
        new Tls(keyStore, c.getString("key-store-password"), c.getString("key-store-type")));
  }
}
