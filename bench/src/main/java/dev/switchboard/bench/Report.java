package dev.switchboard.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The readable table: rows of (phase, figure, value, note), printed as each phase finishes and once
 * more, whole, at the end.
 */
final class Report {
  private record Row(String phase, String figure, String value, String note) {}

  private final List<Row> rows = new ArrayList<>();
  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
  }

  void add(String phase, String figure, String value, String note) {
    Row row = new Row(phase, figure, value, note == null ? "" : note);
    rows.add(row);
    out.println(
        "  "
            + phase
            + " | "
            + figure
            + " = "
            + value
            + (row.note.isEmpty() ? "" : "  (" + row.note + ")"));
    out.flush();
  }

  void rate(String phase, String figure, double perSecond, String note) {
    add(phase, figure, whole(perSecond) + " msg/s", note);
  }

  void millis(String phase, String figure, double millis, String note) {
    add(phase, figure, String.format(Locale.ROOT, "%.1f ms", millis), note);
  }

  static String whole(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%,d", Math.round(value)) : "n/a";
  }

  static String ratio(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "n/a";
  }

  /** The whole table, columns aligned. */
  void printTable() {
    int phase = "phase".length();
    int figure = "figure".length();
    int value = "value".length();
    for (Row row : rows) {
      phase = Math.max(phase, row.phase.length());
      figure = Math.max(figure, row.figure.length());
      value = Math.max(value, row.value.length());
    }
    String format = "| %-" + phase + "s | %-" + figure + "s | %" + value + "s | %s%n";
    out.println();
    out.printf(format, "phase", "figure", "value", "note");
    out.printf(format, "-".repeat(phase), "-".repeat(figure), "-".repeat(value), "----");
    for (Row row : rows) {
      out.printf(format, row.phase, row.figure, row.value, row.note);
    }
    out.flush();
  }
}
