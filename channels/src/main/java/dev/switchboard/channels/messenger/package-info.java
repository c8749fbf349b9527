/**
 * The Facebook Messenger provider (PROVIDERS.md section 4): the Send API over {@link
 * java.net.http.HttpClient} with the Page access token, its error codes classified, and the webhook
 * endpoint ({@code hub.challenge} handshake, {@code X-Hub-Signature-256} over the raw body) whose
 * messages become inbound messages and whose delivery and read events become receipts. Depends on
 * the engine's provider SPI and message package, Jackson and Typesafe Config only.
 */
package dev.switchboard.channels.messenger;
