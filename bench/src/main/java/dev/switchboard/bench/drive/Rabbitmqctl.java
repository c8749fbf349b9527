package dev.switchboard.bench.drive;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Vhosts of the local RabbitMQ node, made with {@code rabbitmqctl}: every run works in vhosts of
 * its own, so it never sees (or leaves behind) anything of the tests or of an earlier run.
 */
public final class Rabbitmqctl {
  private static final long TIMEOUT_SECONDS = 60;

  private Rabbitmqctl() {}

  /** Creates {@code prefix-<random>} with full permissions for {@code user}; returns its name. */
  public static String freshVhost(String prefix, String user) {
    String vhost = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    run("add_vhost", vhost);
    run("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
    return vhost;
  }

  /**
   * Pauses consumption of {@code queue} in {@code vhost}: {@code user} loses read permission on it,
   * and every connection of the vhost is closed, so the consumers come back and are refused (a
   * permission change alone does not stop a consumer that is already subscribed).
   */
  public static void pauseConsuming(String vhost, String user, String queue) {
    String notThatQueue = "^(?!" + queue.replace(".", "\\.") + "$).*";
    run("set_permissions", "-p", vhost, user, ".*", ".*", notThatQueue);
    run("close_all_connections", "-p", vhost, "benchmark: consumers paused for the backlog");
  }

  /** Gives {@code user} full permissions on {@code vhost} again. */
  public static void resumeConsuming(String vhost, String user) {
    run("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
  }

  public static void deleteVhost(String vhost) {
    run("delete_vhost", vhost);
  }

  // Output goes to a file, not a pipe: the Debian wrapper's su may hold a pipe open.
  private static void run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable());
    command.addAll(List.of(args));
    Path out = null;
    try {
      out = Files.createTempFile("bench-rabbitmqctl-", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("rabbitmqctl timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "rabbitmqctl failed: "
                + command
                + "\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run rabbitmqctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running rabbitmqctl", e);
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }

  private static String executable() {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin")) {
      File candidate = new File(dir, "rabbitmqctl");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return "rabbitmqctl";
  }
}
