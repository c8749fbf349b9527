package dev.switchboard.http;

import com.typesafe.config.Config;
import java.time.Duration;

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
    String publicUrl) {

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
        c.getString("public-url"));
  }
}
