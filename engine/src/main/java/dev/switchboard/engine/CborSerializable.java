package dev.switchboard.engine;

/**
 * Marker for everything that crosses the cluster or goes into the journal; bound to jackson-cbor in
 * the engine's {@code reference.conf}.
 */
public interface CborSerializable {}
