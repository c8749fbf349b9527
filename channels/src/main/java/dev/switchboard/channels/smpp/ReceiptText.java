package dev.switchboard.channels.smpp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a delivery receipt's short message in the de-facto SMPP 3.4 Appendix B format,
 * {@code id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm[ss] done date:YYMMDDhhmm[ss] stat:DDDDDDD
 * err:E text:...}. {@code text:} may also be spelled {@code Text:}; every field may be missing
 * (null then).
 */
public record ReceiptText(
    String id,
    String sub,
    String dlvrd,
    String submitDate,
    String doneDate,
    String stat,
    String err,
    String text) {

  private static final Pattern TEXT = Pattern.compile("(?:^|\\s)[Tt]ext:");
  private static final Pattern ID = field("id", "\\S+");
  private static final Pattern SUB = field("sub", "\\S+");
  private static final Pattern DLVRD = field("dlvrd", "\\S+");
  private static final Pattern SUBMIT = field("submit date", "\\d{10}(?:\\d{2})?");
  private static final Pattern DONE = field("done date", "\\d{10}(?:\\d{2})?");
  private static final Pattern STAT = field("stat", "\\S+");
  private static final Pattern ERR = field("err", "\\S+");

  private static Pattern field(String name, String value) {
    return Pattern.compile("(?:^|\\s)" + name + ":(" + value + ")");
  }

  /** Parses {@code receipt}; never fails, missing fields are null. */
  public static ReceiptText parse(String receipt) {
    // The free text comes last and may contain anything, so fields are looked for before it only.
    Matcher textAt = TEXT.matcher(receipt);
    String head = receipt;
    String text = null;
    if (textAt.find()) {
      head = receipt.substring(0, textAt.start());
      text = receipt.substring(textAt.end());
    }
    return new ReceiptText(
        find(ID, head),
        find(SUB, head),
        find(DLVRD, head),
        find(SUBMIT, head),
        find(DONE, head),
        find(STAT, head),
        find(ERR, head),
        text);
  }

  private static String find(Pattern pattern, String head) {
    Matcher m = pattern.matcher(head);
    return m.find() ? m.group(1) : null;
  }
}
