/**
 * Recipients who opted out: the keywords that opt a sender out or back in, the table that keeps
 * them (with a copy in memory on every node), and the guard in front of each channel's providers
 * that fails a send to an opted-out recipient at once. Depends on {@code provider}, {@code message}
 * and {@code persistence}.
 */
package dev.switchboard.engine.optout;
