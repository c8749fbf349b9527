package dev.switchboard.channels.smpp;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderLimits;
import dev.switchboard.engine.provider.ProviderSession;
import java.time.Clock;

/**
 * An SMPP provider instance: opens {@link SmppSession}s to its SMSC. A message costs its SMS
 * segments, as the SMSC counts them.
 */
public final class SmppProvider implements ProviderAdapter {
  private final String name;
  private final String channel;
  private final SmppSettings settings;
  private final Clock clock;
  private final HexIdMemory hexIds = new HexIdMemory();

  public SmppProvider(String name, String channel, SmppSettings settings, Clock clock) {
    this.name = name;
    this.channel = channel;
    this.settings = settings;
    this.clock = clock;
  }

  public SmppSettings settings() {
    return settings;
  }

  /** {@code host:port as system_id}. */
  @Override
  public String peer() {
    return settings.peer();
  }

  /**
   * Binds; blocks up to the bind timeout.
   *
   * @throws SmppBindException when the SMSC cannot be reached or refuses the bind
   */
  @Override
  public ProviderSession open(ProviderEvents events) throws SmppBindException {
    return SmppSession.open(channel, name, settings, events, hexIds, clock);
  }

  @Override
  public int cost(OutboundMessage message) {
    return Math.max(1, SmsSegmenter.count(message.text()));
  }

  /** The URI's or block's window and tps: the runtime keeps to them (in segments per second). */
  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(settings.window(), settings.tps());
  }
}
