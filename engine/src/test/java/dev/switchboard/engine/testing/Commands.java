package dev.switchboard.engine.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands for the test support classes, always bounded by a timeout.
 *
 * <p>Output (stdout and stderr merged) goes to a temporary file rather than a pipe: a chatty
 * command cannot block on a full pipe, and a daemon that inherits the descriptor (as {@code
 * rabbitmq-server -detached} does) cannot keep us waiting for an end of stream that never comes.
 */
final class Commands {

  /** Where the Debian package installs the RabbitMQ scripts, in case PATH lacks /usr/sbin. */
  private static final List<String> FALLBACK_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin");

  private Commands() {}

  /** The outcome of a finished command. */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Returns the output, or throws with the command's output if it exited non-zero. */
    String orThrow() {
      if (!ok()) {
        throw new IllegalStateException(
            "command failed with exit code "
                + exitCode
                + ": "
                + String.join(" ", command)
                + "\n--- output ---\n"
                + output);
      }
      return output;
    }
  }

  /**
   * Runs {@code command} with {@code extraEnv} added to this JVM's environment, waiting at most
   * {@code timeout}. On timeout the command and all its descendants are killed and an {@link
   * IllegalStateException} carrying the output so far is thrown. A non-zero exit is returned, not
   * thrown; see {@link Result#orThrow()}.
   */
  static Result run(Map<String, String> extraEnv, Duration timeout, List<String> command) {
    List<String> resolved = new ArrayList<>(command);
    resolved.set(0, executable(command.get(0)));
    Path out = null;
    try {
      out = Files.createTempFile("sb-cmd-", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(resolved)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(extraEnv);
      Process process = builder.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(process);
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + String.join(" ", resolved));
      }
      if (!finished) {
        kill(process);
        throw new IllegalStateException(
            "command did not finish within "
                + timeout.toSeconds()
                + " s and was killed: "
                + String.join(" ", resolved)
                + "\n--- output ---\n"
                + read(out));
      }
      return new Result(resolved, process.exitValue(), read(out));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", resolved), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** Runs the command and returns its output, throwing with the output on failure or timeout. */
  static String check(Map<String, String> extraEnv, Duration timeout, String... command) {
    return run(extraEnv, timeout, List.of(command)).orThrow();
  }

  /**
   * Runs {@code rabbitmqctl} with {@code args}. The Debian wrapper re-executes itself through
   * {@code su rabbitmq -c "..."}, wrapping every argument in double quotes, so arguments that a
   * shell would still interpret inside double quotes are refused here rather than mangled there.
   */
  static Result rabbitmqctl(Map<String, String> extraEnv, Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    for (String arg : args) {
      command.add(shellSafe(arg));
    }
    return run(extraEnv, timeout, command);
  }

  /** Returns {@code arg} if it survives the Debian wrapper's quoting unchanged, else throws. */
  static String shellSafe(String arg) {
    for (int i = 0; i < arg.length(); i++) {
      char c = arg.charAt(i);
      if (c == '$' || c == '`' || c == '\\' || c == '"' || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "argument would be altered by the rabbitmq script wrapper's shell quoting: " + arg);
      }
    }
    return arg;
  }

  /** Kills the process and everything it started, waiting briefly for it to go. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Resolves a bare command name against PATH and the usual system directories. */
  static String executable(String name) {
    if (name.contains("/")) {
      return name;
    }
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(FALLBACK_DIRS);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return name;
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
