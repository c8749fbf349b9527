package dev.switchboard.engine.optout;

import java.time.Instant;

/**
 * One recipient who opted out of an account's messages on a channel.
 *
 * @param recipient the address as the channel gives it (E.164 for SMS), the inbound's sender
 * @param source {@link #KEYWORD} (the recipient sent one) or {@link #PROVIDER} (a provider refused
 *     a send because they opted out there)
 * @param provider the provider instance the keyword came through, or that refused the send
 * @param detail the keyword, or the provider's words
 * @param createdAt when they opted out
 */
public record OptOut(
    String account,
    String channel,
    String recipient,
    String source,
    String provider,
    String detail,
    Instant createdAt) {
  public static final String KEYWORD = "keyword";
  public static final String PROVIDER = "provider";
}
