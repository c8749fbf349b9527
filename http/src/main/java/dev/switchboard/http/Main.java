package dev.switchboard.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.Redaction;
import java.io.File;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one Switchboard node. Configuration: {@code ./application.conf} when present (the
 * repository's, with its {@code SWITCHBOARD_*} environment overrides), else the copy on the class
 * path; {@code -Dconfig.file} wins over both (it must exist; {@code include
 * classpath("application.conf")} in it keeps the environment overrides).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      SwitchboardApp.start(load(), Duration.ofSeconds(60));
    } catch (Exception e) {
      LOG.error("Switchboard could not start: {}", describe(e));
      System.exit(1);
    }
  }

  /**
   * Why the node did not start, in one line without credentials: a configuration error as its
   * setting and problem (no class names, no stack trace), anything else with its type.
   */
  public static String describe(Throwable error) {
    return Redaction.text(error instanceof ConfigException ? error.getMessage() : error.toString());
  }

  /** The application's configuration as the jar finds it, not yet layered over the defaults. */
  public static Config load() {
    String explicit = System.getProperty("config.file");
    if (explicit != null) {
      // Absolute, so a relative include ("application") is looked up beside the file and then
      // on the class path; a bare file name would have no directory and include nothing.
      File file = new File(explicit).getAbsoluteFile();
      if (!file.isFile()) {
        throw new ConfigException.BadValue("config.file", "no file at " + file);
      }
      return ConfigFactory.parseFile(file);
    }
    File local = new File("application.conf");
    return local.isFile()
        ? ConfigFactory.parseFile(local)
        : ConfigFactory.parseResources("application.conf");
  }
}
