/**
 * Delivery receipts on their way from a provider to their message: the persisted provider-id index
 * and the work of the channel's receipts queue. Depends on {@code broker}, {@code delivery} and
 * {@code provider}.
 */
package dev.switchboard.engine.receipt;
