package dev.switchboard.channels.smpp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * An SMPP instance's settings: its block of configuration over {@code switchboard.providers.smpp};
 * an instance's {@code uri} (see {@link SmppUri}) wins over the keys it names. {@link #toString()}
 * never shows the password.
 */
public record SmppSettings(
    String host,
    int port,
    String systemId,
    String password,
    String systemType,
    BindMode bind,
    String source,
    int window,
    int tps,
    Duration enquireLinkInterval,
    Duration responseTimeout,
    Duration bindTimeout,
    Duration unbindTimeout,
    boolean registeredDelivery,
    String account,
    Duration moReassemblyTimeout,
    SmscMessageIds.Format receiptIdFormat,
    Duration receiptIdWait,
    Duration durableAckTimeout,
    int pduProcessorDegree) {

  static final String DEFAULTS_PATH = "switchboard.providers.smpp";
  static final int MAX_SYSTEM_ID = 15;
  static final int MAX_PASSWORD = 8;
  static final int MAX_SYSTEM_TYPE = 12;

  /** The kind of bind. */
  public enum BindMode {
    TRANSCEIVER,
    TRANSMITTER;

    static BindMode parse(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "transceiver" -> TRANSCEIVER;
        case "transmitter" -> TRANSMITTER;
        default ->
            throw new IllegalArgumentException(
                "bind must be transceiver or transmitter, was '" + value + "'");
      };
    }
  }

  public SmppSettings {
    if (host.isBlank()) {
      throw new IllegalArgumentException("smpp host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("smpp port must be 1..65535, was " + port);
    }
    if (systemId.isBlank()) {
      throw new IllegalArgumentException("smpp system-id is empty");
    }
    // SMPP 3.4 C-Octet String limits; jsmpp would otherwise refuse the bind echoing the value.
    if (systemId.length() > MAX_SYSTEM_ID) {
      throw new IllegalArgumentException(
          "smpp system-id is longer than " + MAX_SYSTEM_ID + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new IllegalArgumentException(
          "smpp password is longer than " + MAX_PASSWORD + " characters");
    }
    if (systemType.length() > MAX_SYSTEM_TYPE) {
      throw new IllegalArgumentException(
          "smpp system-type is longer than " + MAX_SYSTEM_TYPE + " characters");
    }
    if (window < 1) {
      throw new IllegalArgumentException("smpp window must be at least 1, was " + window);
    }
    if (tps < 0) {
      throw new IllegalArgumentException("smpp tps must be 0 (no limit) or more, was " + tps);
    }
    if (pduProcessorDegree < 1) {
      throw new IllegalArgumentException(
          "smpp pdu-processor-degree must be at least 1, was " + pduProcessorDegree);
    }
  }

  /** Reads an instance's block over the defaults of {@code root}. */
  public static SmppSettings create(Config instance, Config root) {
    Config c = instance.withFallback(root.getConfig(DEFAULTS_PATH));
    String uri = c.hasPath("uri") ? c.getString("uri") : "";
    if (!uri.isBlank()) {
      c = SmppUri.toConfig(uri).withFallback(c);
    }
    return of(c);
  }

  /** The settings a URI names, over the defaults in this module's {@code reference.conf}. */
  static SmppSettings fromUri(String uri) {
    return of(
        SmppUri.toConfig(uri)
            .withFallback(ConfigFactory.defaultReference().getConfig(DEFAULTS_PATH)));
  }

  private static SmppSettings of(Config c) {
    return new SmppSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getString("system-id"),
        c.getString("password"),
        c.getString("system-type"),
        BindMode.parse(c.getString("bind")),
        c.getString("source"),
        c.getInt("window"),
        c.getInt("tps"),
        c.getDuration("enquire-link-interval"),
        c.getDuration("response-timeout"),
        c.getDuration("bind-timeout"),
        c.getDuration("unbind-timeout"),
        c.getBoolean("registered-delivery"),
        c.getString("account"),
        c.getDuration("mo-reassembly-timeout"),
        SmscMessageIds.Format.parse(c.getString("receipt-id-format")),
        c.getDuration("receipt-id-wait"),
        c.getDuration("durable-ack-timeout"),
        c.getInt("pdu-processor-degree"));
  }

  /** {@code host:port} and the system id, for health and logs. */
  public String peer() {
    return host + ":" + port + " as " + systemId;
  }

  @Override
  public String toString() {
    return "SmppSettings[peer="
        + peer()
        + ", bind="
        + bind
        + ", source="
        + source
        + ", window="
        + window
        + ", tps="
        + tps
        + ", account="
        + account
        + ", password=***]";
  }
}
