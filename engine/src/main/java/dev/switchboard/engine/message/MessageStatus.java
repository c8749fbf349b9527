package dev.switchboard.engine.message;

import java.util.Locale;

/**
 * The statuses of API.md, in the order a message normally passes through them. {@code READ} follows
 * {@code DELIVERED} on channels whose provider reports reading (Messenger).
 */
public enum MessageStatus {
  ACCEPTED,
  SENDING,
  RETRYING,
  SENT,
  DELIVERED,
  READ,
  FAILED,
  EXPIRED;

  public boolean isTerminal() {
    return this == DELIVERED || this == READ || this == FAILED || this == EXPIRED;
  }

  /** The wire name: lower case, as in the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
