package dev.switchboard.engine.message;

/** One reason a request is invalid, naming the field it is about (API.md's {@code field}). */
public record FieldError(String field, String message) {}
