package dev.switchboard.engine.webhook;

/**
 * Event ids derived from what an event reports, so queuing it again (after a crash, a redelivered
 * job) finds the row already there instead of making a second event.
 */
public final class EventIds {
  private EventIds() {}

  /** The event reporting step {@code historyIndex} (0-based) of a message's history. */
  public static String status(String messageId, int historyIndex) {
    if (historyIndex < 0) {
      throw new IllegalArgumentException("a history index is never negative: " + historyIndex);
    }
    return "evt_" + messageId + "_" + historyIndex;
  }

  /** The event forwarding an inbound message. */
  public static String inbound(String inboundId) {
    return "evt_" + inboundId;
  }
}
