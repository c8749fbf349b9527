/**
 * Signed webhooks to customers: an outbox table (state lives there, so restarts lose nothing), a
 * dispatcher actor that sends due events with retries, backoff and dead-lettering, the SSRF policy
 * for targets, and the facade the engine hands events to. Depends on delivery, persistence, health
 * and provider records; never on HTTP routes.
 */
package dev.switchboard.engine.webhook;
