package dev.switchboard.http.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The part of a {@link Verdict} that needs no node, kept apart so that it can be tried on made-up
 * records: which sends were lost, which outcomes were unexpected, which messages reached the
 * provider more often than they need.
 *
 * @param extraSends provider attempts beyond what every message needs, summed
 * @param mostExtraSends the most extra attempts of any one message
 */
record Tally(
    List<String> lost,
    List<String> unexpected,
    List<String> duplicates,
    long extraSends,
    long mostExtraSends) {

  /**
   * Judges {@code sends} by the {@code terminal} status each accepted one reached (absent: not
   * terminal, lost) and by what {@code provider} received; {@code statusNow} reads the status of a
   * lost message, for the report.
   */
  static Tally of(
      Collection<Sent> sends,
      Map<String, String> terminal,
      ProviderRecord provider,
      UnaryOperator<String> statusNow) {
    List<String> lost = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> duplicates = new ArrayList<>();
    long extraSends = 0;
    long mostExtraSends = 0;
    for (Sent s : sends) {
      if (!s.accepted() && !s.refused()) {
        unexpected.add("answered " + s.status() + " to " + s.to() + ": " + s.body());
      }
    }
    for (Sent s : sends.stream().filter(Sent::accepted).toList()) {
      int attempts = provider.attempts(s);
      int expected = provider.expectedAttempts(s);
      String status = terminal.get(s.id());
      if (status == null) {
        lost.add(describe(s, statusNow.apply(s.id()), attempts));
        continue;
      }
      String expectedStatus = provider.expectedStatus(s);
      if (!status.equals(expectedStatus)) {
        unexpected.add(describe(s, status, attempts) + ", expected " + expectedStatus);
      }
      if (attempts > expected) {
        duplicates.add(describe(s, status, attempts));
        extraSends += attempts - expected;
        mostExtraSends = Math.max(mostExtraSends, attempts - expected);
      } else if (attempts < expected) {
        unexpected.add(describe(s, status, attempts) + ", fewer than the " + expected + " needed");
      }
    }
    return new Tally(lost, unexpected, duplicates, extraSends, mostExtraSends);
  }

  private static String describe(Sent s, String status, int attempts) {
    return s.id() + " to " + s.to() + " status=" + status + " providerAttempts=" + attempts;
  }
}
