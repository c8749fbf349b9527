/**
 * The outbound message and the rules a channel imposes on it (addresses, lengths, SMS segments).
 * Pure values and functions: no actors, no I/O.
 */
package dev.switchboard.engine.message;
