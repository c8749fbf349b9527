package dev.switchboard.http.auth;

/** An account: everything a key can see is scoped to it. */
public record Account(String id) {}
