package dev.switchboard.http.testing;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What became of a set of sends, as RELIABILITY.md's checker counts it:
 *
 * <ul>
 *   <li><b>lost</b>: accepted ({@code 200}/{@code 202}) but not in a terminal status within the
 *       bound;
 *   <li><b>unexpected</b>: an outcome the contract does not allow: an answer other than {@code
 *       200}, {@code 202} or {@code 503}, a terminal status other than the one the message should
 *       end in ({@link ProviderRecord#expectedStatus}), or fewer provider attempts than it needs;
 *   <li><b>duplicates</b>: messages that reached the provider more often than they need ({@link
 *       ProviderRecord#expectedAttempts}, counted by {@link ProviderRecord#attempts}), with the
 *       number of extra sends, in all and the most of any one message;
 *   <li><b>in flight</b>: messages ready or unacknowledged in the node's channel queues on its
 *       brokers once every accepted message was terminal (-1: not measured, see {@link
 *       TrafficChecker#awaitSettled});
 *   <li><b>restarts</b>: signs that the engine restarted ({@link TrafficChecker#restarts()}).
 * </ul>
 *
 * Every assertion names the offending ids with their status and provider attempts, or the queues.
 */
public record Verdict(
    String scenario,
    int sends,
    int accepted,
    int refused,
    Duration bound,
    long millis,
    Map<String, Long> terminalByStatus,
    List<String> lost,
    List<String> unexpected,
    List<String> duplicates,
    long extraSends,
    long mostExtraSends,
    long inFlight,
    List<String> queues,
    List<String> restarts,
    String metrics) {

  public Verdict {
    terminalByStatus = Map.copyOf(terminalByStatus);
    lost = List.copyOf(lost);
    unexpected = List.copyOf(unexpected);
    duplicates = List.copyOf(duplicates);
    queues = List.copyOf(queues);
    restarts = List.copyOf(restarts);
  }

  /** Every accepted message reached a terminal status within the bound. */
  public Verdict assertNoneLost() {
    if (!lost.isEmpty()) {
      fail(
          "%s: %d of %d accepted messages not terminal within %s (lost):%n  %s",
          scenario, lost.size(), accepted, bound, String.join("\n  ", lost));
    }
    return this;
  }

  /** Nothing happened that the contract does not allow. */
  public Verdict assertNoneUnexpected() {
    if (!unexpected.isEmpty()) {
      fail(
          "%s: %d unexpected outcomes among %d sends:%n  %s",
          scenario, unexpected.size(), sends, String.join("\n  ", unexpected));
    }
    return this;
  }

  /**
   * Every send was accepted: none refused with {@code 503} (a broker fault is the outbox's
   * business, not the client's).
   */
  public Verdict assertNoneRefused() {
    if (refused != 0) {
      fail("%s: %d of %d sends refused with 503", scenario, refused, sends);
    }
    return this;
  }

  /** No message reached the provider more often than its recipient needs. */
  public Verdict assertNoDuplicates() {
    return assertDuplicatesAtMost(0);
  }

  /** At most {@code maxExtraSends} provider attempts beyond what the recipients need. */
  public Verdict assertDuplicatesAtMost(long maxExtraSends) {
    return assertDuplicatesAtMost(maxExtraSends, maxExtraSends);
  }

  /**
   * At most {@code maxExtraSends} provider attempts beyond what the recipients need, and at most
   * {@code maxExtraPerMessage} of them for any one message.
   */
  public Verdict assertDuplicatesAtMost(long maxExtraSends, long maxExtraPerMessage) {
    if (extraSends > maxExtraSends || mostExtraSends > maxExtraPerMessage) {
      fail(
          "%s: %d extra provider sends (at most %d allowed), up to %d for one message (at most %d"
              + " allowed), on %d messages sent to the provider more than once:%n  %s",
          scenario,
          extraSends,
          maxExtraSends,
          mostExtraSends,
          maxExtraPerMessage,
          duplicates.size(),
          String.join("\n  ", duplicates));
    }
    return this;
  }

  /** The channel queues were read and had nothing ready or unacknowledged. */
  public Verdict assertNothingInFlight() {
    if (inFlight != 0) {
      fail(
          "%s: %s in the channel queues after every accepted message was terminal:%n  %s",
          scenario,
          inFlight < 0 ? "nothing measured" : inFlight + " messages still",
          String.join("\n  ", queues));
    }
    return this;
  }

  /** The engine never restarted, and {@code /health/live} answered 200 throughout. */
  public Verdict assertNeverRestarted() {
    if (!restarts.isEmpty()) {
      fail("%s: the engine restarted:%n  %s", scenario, String.join("\n  ", restarts));
    }
    return this;
  }

  /** lost = 0, unexpected = 0, duplicates = 0. */
  public Verdict assertClean() {
    return assertNoneLost().assertNoneUnexpected().assertNoDuplicates();
  }

  /** RELIABILITY.md's checker: {@link #assertClean()}, nothing in flight, never restarted. */
  public Verdict assertInvariants() {
    return assertInvariants(0);
  }

  /** As {@link #assertInvariants()}, with at most {@code maxExtraSends} duplicate sends. */
  public Verdict assertInvariants(long maxExtraSends) {
    return assertInvariants(maxExtraSends, maxExtraSends);
  }

  /**
   * As {@link #assertInvariants()}, with at most {@code maxExtraSends} duplicate sends, at most
   * {@code maxExtraPerMessage} of them for one message.
   */
  public Verdict assertInvariants(long maxExtraSends, long maxExtraPerMessage) {
    return assertNoneLost()
        .assertNoneUnexpected()
        .assertDuplicatesAtMost(maxExtraSends, maxExtraPerMessage)
        .assertNothingInFlight()
        .assertNeverRestarted();
  }

  @Override
  public String toString() {
    return String.format(
        "%s: %d sends, %d accepted, %d refused; terminal after %d ms %s; lost=%d unexpected=%d"
            + " duplicates=%d (extra sends %d, at most %d of one) inFlight=%s restarts=%d%s; %s",
        scenario,
        sends,
        accepted,
        refused,
        millis,
        terminalByStatus,
        lost.size(),
        unexpected.size(),
        duplicates.size(),
        extraSends,
        mostExtraSends,
        inFlight < 0 ? "n/a" : inFlight,
        restarts.size(),
        restarts.isEmpty() ? "" : " " + restarts,
        metrics);
  }
}
