package dev.switchboard.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider instance the environment enables: an entry of {@code
 * switchboard.engine.environment-providers} whose required settings are all given (as setting
 * {@code SWITCHBOARD_SMPP_URI} enables the SMSC on {@code sms}).
 *
 * @param order among the enabled instances of one channel, lower first
 * @param settings the instance's block as a channel's {@code providers} list takes it (with its
 *     {@code type} and {@code name})
 */
public record EnvironmentProvider(
    String name, String channel, int order, Map<String, Object> settings) {

  private static final List<String> OWN_KEYS = List.of("channel", "order", "requires");

  /** The entries of {@code providers} whose {@code requires} keys are all non-blank, in order. */
  public static List<EnvironmentProvider> enabled(Config providers) {
    List<EnvironmentProvider> result = new ArrayList<>();
    for (String name : providers.root().keySet()) {
      Config entry = providers.getConfig(quoted(name));
      if (entry.getStringList("requires").stream().allMatch(key -> given(entry, key))) {
        Map<String, Object> settings = new HashMap<>(entry.root().unwrapped());
        OWN_KEYS.forEach(settings::remove);
        settings.put("name", name);
        settings.put("type", entry.getString("type"));
        result.add(
            new EnvironmentProvider(
                name, entry.getString("channel"), entry.getInt("order"), Map.copyOf(settings)));
      }
    }
    result.sort(
        Comparator.comparingInt(EnvironmentProvider::order)
            .thenComparing(EnvironmentProvider::name));
    return List.copyOf(result);
  }

  private static boolean given(Config entry, String key) {
    if (!entry.hasPath(key)) {
      return false;
    }
    ConfigValue value = entry.getValue(key);
    return value.valueType() != ConfigValueType.STRING || !entry.getString(key).isBlank();
  }

  private static String quoted(String key) {
    return "\"" + key + "\"";
  }
}
