package dev.switchboard.bench.measure;

/** Reads figures from the Prometheus text format that {@code /metrics} serves. */
public final class PromText {
  private PromText() {}

  /**
   * The sum of every series of {@code name} whose labels include each of {@code labels} (given as
   * they are written, {@code status="delivered"}); 0 when none matches.
   */
  public static double sum(String text, String name, String... labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (!(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String labelPart = close < 0 ? "" : line.substring(name.length(), close + 1);
      boolean matches = true;
      for (String label : labels) {
        matches &= labelPart.contains(label);
      }
      if (matches) {
        String[] parts = line.substring(close < 0 ? name.length() : close + 1).trim().split(" ");
        sum += Double.parseDouble(parts[0]);
      }
    }
    return sum;
  }
}
