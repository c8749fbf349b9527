package dev.switchboard.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and memory as Linux reports them in {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/status}: what the process really cost, whatever the JVM thinks of itself.
 */
public final class ProcStats {
  /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ); 100 on every Linux we run. */
  public static final long TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** One reading: CPU time in user and kernel mode, resident memory now and at its peak. */
  public record Sample(long cpuMillis, long rssKb, long peakRssKb) {}

  public static Sample read(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    return new Sample(
        cpuMillis(Files.readString(proc.resolve("stat"))),
        statusKb(Files.readString(proc.resolve("status")), "VmRSS"),
        statusKb(Files.readString(proc.resolve("status")), "VmHWM"));
  }

  /**
   * utime + stime (fields 14 and 15 of {@code stat}) in milliseconds. The command name (field 2) is
   * in parentheses and may itself hold spaces and parentheses, so fields are counted from the last
   * closing parenthesis.
   */
  public static long cpuMillis(String stat) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    // After ") " come field 3 (state), 4, 5, ...: utime is field 14, index 11 from here.
    String[] fields = stat.substring(end + 2).trim().split("\\s+");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /**
   * CPU time the whole machine spent busy (every state but idle and iowait), in milliseconds summed
   * over cores, from the {@code cpu} line of {@code /proc/stat}: what else ran beside the engine
   * shows as the difference.
   */
  public static long machineBusyMillis(String procStat) {
    int newline = procStat.indexOf('\n');
    String line = newline < 0 ? procStat : procStat.substring(0, newline);
    String[] fields = line.trim().split("\\s+");
    if (!fields[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + line);
    }
    long busy = 0;
    // user nice system idle iowait irq softirq steal; guest time is counted in user already.
    for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(fields[i]);
      }
    }
    return busy * 1000 / TICKS_PER_SECOND;
  }

  public static long machineBusyMillis() throws IOException {
    return machineBusyMillis(Files.readString(Path.of("/proc/stat")));
  }

  /** A {@code Name: 1234 kB} line of {@code status}, in kB; 0 when absent. */
  public static long statusKb(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        String value = line.substring(name.length() + 1).trim();
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space));
      }
    }
    return 0;
  }
}
