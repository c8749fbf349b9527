/**
 * The Twilio-compatible HTTP SMS provider: sends through {@code POST
 * {base}/2010-04-01/Accounts/{sid}/Messages.json} with {@code java.net.http}, classifies Twilio's
 * error codes, and takes status callbacks and inbound messages at {@code
 * /v1/channels/{channel}/twilio/...}, each verified by its {@code X-Twilio-Signature}. The wire
 * rules (signature, error classes, callback parsing) are pure functions with their own tests.
 * Depends on the engine's provider SPI and message package, Jackson and Typesafe Config only.
 */
package dev.switchboard.channels.twilio;
