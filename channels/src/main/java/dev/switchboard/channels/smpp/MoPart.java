package dev.switchboard.channels.smpp;

/**
 * A decoded mobile-originated short message: a whole text, or one part of a concatenated one.
 *
 * @param concat where the part belongs, or null for a whole message
 */
public record MoPart(String text, Concat concat) {

  /**
   * A concatenation header.
   *
   * @param reference 0..255 (8-bit IE) or 0..65535 (16-bit IE)
   * @param total the number of parts, from 1
   * @param seq this part's number, 1..total
   */
  public record Concat(int reference, int total, int seq) {}
}
