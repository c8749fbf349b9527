/**
 * Messages from users on their way to the account's webhook: the work of the channel's inbound
 * queue, and the publishing of receipts and inbound messages with a confirm before a provider's
 * peer is acknowledged. Depends on {@code broker}, {@code provider}, {@code optout} and {@code
 * webhook}.
 */
package dev.switchboard.engine.inbound;
