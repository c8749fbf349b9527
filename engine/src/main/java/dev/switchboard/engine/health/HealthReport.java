package dev.switchboard.engine.health;

import java.util.Map;

/**
 * The readiness answer: {@code UP} when every component is up, {@code DOWN} when none is, {@code
 * DEGRADED} in between.
 */
public record HealthReport(String status, Map<String, ComponentReport> components) {
  public boolean ready() {
    return "UP".equals(status);
  }
}
