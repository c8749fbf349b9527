/**
 * The Switchboard engine: broker connections, channel supervision, message entities and the
 * provider SPI. It knows nothing of HTTP and of no concrete channel; {@link
 * dev.switchboard.engine.Engine} wires it.
 */
package dev.switchboard.engine;
