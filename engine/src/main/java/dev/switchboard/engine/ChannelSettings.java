package dev.switchboard.engine;

import com.typesafe.config.Config;
import dev.switchboard.engine.message.ChannelKind;
import java.util.ArrayList;
import java.util.List;

/**
 * One enabled channel: its name (which fixes its {@link ChannelKind} rules), the provider type that
 * serves it, and the provider's own block of settings.
 */
public record ChannelSettings(String name, ChannelKind kind, String provider, Config config) {

  /** Reads every channel under {@code switchboard.engine.channels}, in name order. */
  public static List<ChannelSettings> all(Config channels) {
    List<ChannelSettings> result = new ArrayList<>();
    channels.root().keySet().stream()
        .sorted()
        .forEach(
            name -> {
              Config block = channels.getConfig(name);
              ChannelKind kind =
                  ChannelKind.fromWireName(name)
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "switchboard.engine.channels."
                                      + name
                                      + ": a channel is one of sms, messenger, twitter, sandbox"));
              result.add(new ChannelSettings(name, kind, block.getString("provider"), block));
            });
    if (result.isEmpty()) {
      throw new IllegalArgumentException("switchboard.engine.channels enables no channel");
    }
    return List.copyOf(result);
  }
}
