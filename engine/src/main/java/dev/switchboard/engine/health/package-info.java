/**
 * Health as data: components report their own state without blocking, the registry aggregates them
 * into the readiness answer of API.md. Nothing here asks an actor or touches the network.
 */
package dev.switchboard.engine.health;
