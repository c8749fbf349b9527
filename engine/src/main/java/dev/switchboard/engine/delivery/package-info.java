/**
 * Delivery: the sharded, event-sourced {@link dev.switchboard.engine.delivery.MessageEntity} that
 * owns one message's life (acceptance, attempts, retries, receipts) and the {@link
 * dev.switchboard.engine.delivery.MessageGateway} through which the edge submits and reads
 * messages.
 */
package dev.switchboard.engine.delivery;
