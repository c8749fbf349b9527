package dev.switchboard.engine.health;

import java.util.Map;

/**
 * The readiness answer: {@code UP} when every component is up, {@code DOWN} when none is, {@code
 * DEGRADED} in between; {@code ready} when every component readiness requires is up.
 */
public record HealthReport(String status, boolean ready, Map<String, ComponentReport> components) {}
