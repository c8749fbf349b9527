package dev.switchboard.engine.health;

/**
 * A part of the engine that readiness depends on; {@link #report()} must be cheap and never block.
 */
public interface HealthComponent {
  String name();

  ComponentReport report();
}
