package dev.switchboard.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.Redaction;
import java.io.File;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one Switchboard node. Configuration: {@code ./application.conf} when present (the
 * repository's, with its {@code SWITCHBOARD_*} environment overrides), else the copy on the class
 * path; {@code -Dconfig.file} wins over both.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      SwitchboardApp.start(load(), Duration.ofSeconds(60));
    } catch (Exception e) {
      LOG.error("Switchboard could not start: {}", Redaction.text(e.toString()));
      System.exit(1);
    }
  }

  /** The application's configuration as the jar finds it, not yet layered over the defaults. */
  public static Config load() {
    String explicit = System.getProperty("config.file");
    if (explicit != null) {
      return ConfigFactory.parseFile(new File(explicit));
    }
    File local = new File("application.conf");
    return local.isFile()
        ? ConfigFactory.parseFile(local)
        : ConfigFactory.parseResources("application.conf");
  }
}
