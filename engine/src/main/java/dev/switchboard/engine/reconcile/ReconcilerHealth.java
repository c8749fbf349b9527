package dev.switchboard.engine.reconcile;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code reconciler} component: the last pass and its error. Not required for readiness: a
 * reconciler that cannot read the journal delays stuck messages, it does not stop the API.
 */
final class ReconcilerHealth implements HealthComponent {
  private record Last(Instant passAt, String error, Instant errorAt, long watermark, long open) {}

  private volatile Last last = new Last(null, null, null, 0, 0);

  @Override
  public String name() {
    return "reconciler";
  }

  @Override
  public boolean requiredForReadiness() {
    return false;
  }

  void passed(Instant at, long watermark, long open) {
    last = new Last(at, null, last.errorAt(), watermark, open);
  }

  void failed(Instant at, String error) {
    Last l = last;
    last = new Last(l.passAt(), error, at, l.watermark(), l.open());
  }

  @Override
  public ComponentReport report() {
    Last l = last;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lastPassAt", l.passAt() == null ? null : l.passAt().toString());
    details.put("lastError", l.error());
    details.put("lastErrorAt", l.errorAt() == null ? null : l.errorAt().toString());
    details.put("watermark", l.watermark());
    details.put("openMessages", l.open());
    return new ComponentReport(l.error() == null, details);
  }
}
