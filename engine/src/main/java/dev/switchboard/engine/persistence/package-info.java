/**
 * The journal's database: settings, the pekko-persistence-jdbc configuration derived from them, the
 * one-time schema creation, the readiness probe, and the table where provider instances keep their
 * state ({@link dev.switchboard.engine.persistence.ProviderStateTable}). Plain JDBC, run off the
 * default dispatcher.
 */
package dev.switchboard.engine.persistence;
