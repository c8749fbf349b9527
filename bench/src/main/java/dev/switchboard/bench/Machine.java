package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the run ran on, for the report: a figure means little without its machine. */
final class Machine {
  private Machine() {}

  static String describe() {
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpuModel()
        + "), "
        + memoryGb()
        + " GB RAM, Java "
        + System.getProperty("java.version");
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: the core count alone will do
    }
    return "unknown CPU";
  }

  private static long memoryGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Math.round(kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return 0;
  }
}
