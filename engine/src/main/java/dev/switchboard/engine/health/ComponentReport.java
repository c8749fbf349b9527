package dev.switchboard.engine.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One component's state: up or not, with the details an operator needs (node, last error, ...).
 *
 * @param details rendered as they are, next to {@code status}
 */
public record ComponentReport(boolean up, Map<String, Object> details) {

  /** The details with {@code status} first, as the API shows them. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("status", up ? "UP" : "DOWN");
    map.putAll(details);
    return map;
  }
}
