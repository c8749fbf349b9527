package dev.switchboard.engine.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The components readiness depends on, in registration order. */
public final class HealthRegistry {
  private final List<HealthComponent> components = new CopyOnWriteArrayList<>();

  public void register(HealthComponent component) {
    components.add(component);
  }

  public HealthReport report() {
    Map<String, ComponentReport> reports = new LinkedHashMap<>();
    long up = 0;
    boolean ready = true;
    for (HealthComponent component : components) {
      ComponentReport report = component.report();
      reports.put(component.name(), report);
      if (report.up()) {
        up++;
      } else if (component.requiredForReadiness()) {
        ready = false;
      }
    }
    String status = up == reports.size() ? "UP" : up == 0 ? "DOWN" : "DEGRADED";
    return new HealthReport(status, ready, reports);
  }
}
