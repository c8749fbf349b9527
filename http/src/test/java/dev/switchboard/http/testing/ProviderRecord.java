package dev.switchboard.http.testing;

/**
 * What reached the provider, as the provider itself recorded it, and what each message should take
 * there: the measure {@link TrafficChecker} judges duplicates and missing sends by. {@link
 * SandboxRecord} reads the sandbox's ledger, {@link SmscRecord} the submits an SMSC simulator
 * accepted.
 */
public interface ProviderRecord {

  /** How many times this accepted message reached the provider. */
  int attempts(Sent sent);

  /** The provider attempts this message needs: more are duplicates, fewer are unexpected. */
  int expectedAttempts(Sent sent);

  /** The terminal status this message should end in. */
  String expectedStatus(Sent sent);
}
