/**
 * The X (Twitter) direct-message provider: sends over the v2 API with an OAuth 2.0 user token kept
 * fresh through its rotating refresh token (stored in the engine's {@link
 * dev.switchboard.engine.provider.ProviderState}), holds sends while X's rate-limit window or usage
 * cap says so, classifies X's errors, and serves X's webhook (the CRC and signed Account Activity
 * events) as inbound messages. Depends on the engine's provider SPI and message package, Jackson
 * and Typesafe Config only.
 */
package dev.switchboard.channels.twitter;
