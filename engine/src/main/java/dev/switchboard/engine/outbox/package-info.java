/**
 * The outbox: the journal holds every accepted message, and a relay per channel publishes from it
 * (in acceptance order, with confirms) whenever the API could not publish a message itself, so a
 * broker outage delays messages instead of refusing them.
 */
package dev.switchboard.engine.outbox;
