package dev.switchboard.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.engine.message.ChannelKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One enabled channel: its name (which fixes its {@link ChannelKind} rules) and the provider
 * instances that serve it, in the order they are tried.
 */
public record ChannelSettings(String name, ChannelKind kind, List<ProviderInstance> providers) {

  /**
   * One provider instance: a unique name (health, metrics, the receipt index), its type (the
   * factory that makes it) and its own block of settings.
   */
  public record ProviderInstance(String name, String type, Config config) {}

  /**
   * Reads every channel under {@code switchboard.engine.channels}, in name order, with the provider
   * instances the environment enables ({@code switchboard.engine.environment-providers}) first in
   * their channel, enabling that channel if it was not. A channel set to {@code null} or with
   * {@code enabled = off} is not served, unless the environment enables a provider for it: that is
   * the more explicit.
   */
  public static List<ChannelSettings> all(Config channels, Config environmentProviders) {
    Config all = withEnvironment(channels, EnvironmentProvider.enabled(environmentProviders));
    List<ChannelSettings> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String name : all.root().keySet().stream().sorted().toList()) {
      if (!enabled(all, name)) {
        continue;
      }
      Config block = all.getConfig(name);
      ChannelKind kind =
          ChannelKind.fromWireName(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "switchboard.engine.channels."
                              + name
                              + ": a channel is one of sms, messenger, twitter, sandbox"));
      List<ProviderInstance> providers = instances(name, block);
      for (ProviderInstance p : providers) {
        if (!names.add(p.name())) {
          throw new IllegalArgumentException(
              "switchboard.engine.channels: two provider instances are named '"
                  + p.name()
                  + "'; give each a unique name");
        }
      }
      result.add(new ChannelSettings(name, kind, providers));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("switchboard.engine.channels enables no channel");
    }
    return List.copyOf(result);
  }

  // `sandbox = null` or `sandbox { enabled = off }` turns a channel (here the default one) off. An
  // empty block is off too: application.conf's unset ${?SWITCHBOARD_SANDBOX_ENABLED} leaves one
  // when a configuration replaced the channels (`channels = null`) before including it.
  private static boolean enabled(Config channels, String name) {
    if (channels.root().get(name).valueType() == ConfigValueType.NULL) {
      return false;
    }
    Config block = channels.getConfig(name);
    return !block.isEmpty() && (!block.hasPath("enabled") || block.getBoolean("enabled"));
  }

  // Either `provider = <type>` (one instance, its settings beside it) or `providers = [{...}]`.
  private static List<ProviderInstance> instances(String channel, Config block) {
    if (block.hasPath("providers")) {
      List<ProviderInstance> list = new ArrayList<>();
      for (Config instance : block.getConfigList("providers")) {
        String type = instance.getString("type");
        String name =
            instance.hasPath("name") ? instance.getString("name") : defaultName(channel, type);
        list.add(new ProviderInstance(name, type, instance));
      }
      if (list.isEmpty()) {
        throw new IllegalArgumentException(
            "switchboard.engine.channels." + channel + ".providers is empty");
      }
      return List.copyOf(list);
    }
    if (!block.hasPath("provider")) {
      throw new IllegalArgumentException(
          "switchboard.engine.channels." + channel + " names no provider (provider or providers)");
    }
    String type = block.getString("provider");
    return List.of(new ProviderInstance(defaultName(channel, type), type, block));
  }

  private static String defaultName(String channel, String type) {
    return channel.equals(type) ? type : channel + "." + type;
  }

  // Each channel's enabled environment instances go first, in their order; its configured ones
  // follow.
  private static Config withEnvironment(Config channels, List<EnvironmentProvider> enabled) {
    Map<String, List<Object>> byChannel = new LinkedHashMap<>();
    for (EnvironmentProvider provider : enabled) {
      byChannel
          .computeIfAbsent(provider.channel(), c -> new ArrayList<>())
          .add(provider.settings());
    }
    Config result = channels;
    for (Map.Entry<String, List<Object>> entry : byChannel.entrySet()) {
      String channel = entry.getKey();
      List<Object> providers = new ArrayList<>(entry.getValue());
      if (channels.hasPath(channel) && enabled(channels, channel)) {
        for (ProviderInstance i : instances(channel, channels.getConfig(channel))) {
          Map<String, Object> existing = new HashMap<>(i.config().root().unwrapped());
          existing.put("type", i.type());
          existing.put("name", i.name());
          providers.add(existing);
        }
      }
      Config block =
          ConfigFactory.empty().withValue("providers", ConfigValueFactory.fromIterable(providers));
      result = result.withoutPath(channel).withValue(channel, block.root());
    }
    return result;
  }
}
