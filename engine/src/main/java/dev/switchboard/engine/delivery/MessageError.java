package dev.switchboard.engine.delivery;

/** Why a message is retrying or failed: the provider's (or our) code and a readable reason. */
public record MessageError(String code, String message) {}
