package dev.switchboard.engine.message;

import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Works out how an SMS text is encoded (GSM-7 or UCS-2) and how many segments it takes. Carriers
 * bill per segment, so the API reports both the segment count and the encoding.
 */
public final class SmsEncoding {

  /** The most segments the API accepts for one SMS. */
  public static final int MAX_SEGMENTS = 10;

  private static final int GSM_7_SINGLE_SEGMENT_SEPTETS = 160;
  private static final int GSM_7_MULTI_SEGMENT_SEPTETS = 153;
  private static final int UCS_2_SINGLE_SEGMENT_UNITS = 70;
  private static final int UCS_2_MULTI_SEGMENT_UNITS = 67;

  private SmsEncoding() {}

  /** How an SMS text is sent. */
  public enum Encoding {
    GSM_7("GSM-7"),
    UCS_2("UCS-2");

    private final String label;

    Encoding(String label) {
      this.label = label;
    }

    /** The name the API reports, e.g. {@code "GSM-7"}. */
    public String label() {
      return label;
    }
  }

  /**
   * The outcome of {@link #analyse(String)}.
   *
   * @param encoding how the text is sent
   * @param units septets for GSM-7, UTF-16 code units for UCS-2
   * @param segments how many SMS segments the text takes; 0 for empty text
   */
  public record Result(Encoding encoding, int units, int segments) {
    public Result {
      Objects.requireNonNull(encoding, "encoding");
    }
  }

  /**
   * Picks GSM-7 when every character is in the GSM 03.38 basic or extension table and UCS-2
   * otherwise, then counts the units and segments. A character is never split across segments: not
   * an escape pair in GSM-7, nor a surrogate pair in UCS-2.
   */
  public static Result analyse(String text) {
    Objects.requireNonNull(text, "text");
    if (Gsm7Alphabet.canEncode(text)) {
      return pack(
          Encoding.GSM_7,
          text.chars().map(c -> Gsm7Alphabet.septets((char) c)),
          GSM_7_SINGLE_SEGMENT_SEPTETS,
          GSM_7_MULTI_SEGMENT_SEPTETS);
    }
    return pack(
        Encoding.UCS_2,
        text.codePoints().map(Character::charCount),
        UCS_2_SINGLE_SEGMENT_UNITS,
        UCS_2_MULTI_SEGMENT_UNITS);
  }

  /**
   * Fills segments with characters of the given sizes in units; a character that does not fit in
   * what is left of a segment starts the next one.
   */
  private static Result pack(
      Encoding encoding, IntStream characterUnits, int singleSegmentUnits, int multiSegmentUnits) {
    int[] sizes = characterUnits.toArray();
    int units = IntStream.of(sizes).sum();
    if (units == 0) {
      return new Result(encoding, 0, 0);
    }
    if (units <= singleSegmentUnits) {
      return new Result(encoding, units, 1);
    }
    int segments = 1;
    int used = 0;
    for (int size : sizes) {
      if (used + size > multiSegmentUnits) {
        segments++;
        used = 0;
      }
      used += size;
    }
    return new Result(encoding, units, segments);
  }
}
