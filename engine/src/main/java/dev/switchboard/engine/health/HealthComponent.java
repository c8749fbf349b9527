package dev.switchboard.engine.health;

/**
 * A part of the engine that readiness depends on; {@link #report()} must be cheap and never block.
 */
public interface HealthComponent {
  String name();

  ComponentReport report();

  /**
   * Whether this node can serve the API only while this component is up. A provider or a customer's
   * webhook receiver being down degrades the node without taking it out of its load balancer: the
   * API still accepts, and the work waits in the broker.
   */
  default boolean requiredForReadiness() {
    return true;
  }
}
