/**
 * API keys and the accounts they belong to: configured as SHA-256 hashes, checked in memory, never
 * through the broker.
 */
package dev.switchboard.http.auth;
