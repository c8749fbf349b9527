package dev.switchboard.engine.health;

import java.util.Map;
import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * The {@code node} component: down from the moment the node starts stopping (SIGTERM), so a load
 * balancer stops sending it requests before its ports close.
 */
public final class StoppingHealth implements HealthComponent {
  private final CoordinatedShutdown shutdown;

  public StoppingHealth(CoordinatedShutdown shutdown) {
    this.shutdown = shutdown;
  }

  @Override
  public String name() {
    return "node";
  }

  @Override
  public ComponentReport report() {
    return shutdown
        .getShutdownReason()
        .map(
            reason ->
                new ComponentReport(false, Map.<String, Object>of("stopping", reason.toString())))
        .orElseGet(() -> new ComponentReport(true, Map.of()));
  }
}
