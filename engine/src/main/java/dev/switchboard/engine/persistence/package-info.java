/**
 * The journal's database: settings, the pekko-persistence-jdbc configuration derived from them, the
 * one-time schema creation, and the readiness probe. Plain JDBC, run off the default dispatcher.
 */
package dev.switchboard.engine.persistence;
