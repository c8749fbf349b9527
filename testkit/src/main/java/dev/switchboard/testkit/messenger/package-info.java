/**
 * A stand-in for the Facebook Messenger Platform over real HTTP on loopback (JDK {@code
 * HttpServer}): the Send API with its checks and its real error bodies, scripted failures, and
 * Meta's side of the webhook (signed events, the subscription handshake). Depends on Jackson and
 * the JDK only.
 */
package dev.switchboard.testkit.messenger;
