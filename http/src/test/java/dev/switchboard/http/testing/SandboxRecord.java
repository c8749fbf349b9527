package dev.switchboard.http.testing;

import dev.switchboard.channels.sandbox.SandboxLedger;

/**
 * The sandbox provider's {@link SandboxLedger}: attempts counted by our message id, and the
 * sandbox's recipients' behaviour: {@code ...0002} ({@link Sent#RETRYING}) fails transiently twice
 * and takes three attempts, {@code ...0001} is rejected for good, every other one is sent at once.
 */
public final class SandboxRecord implements ProviderRecord {
  public static final SandboxRecord INSTANCE = new SandboxRecord();

  private SandboxRecord() {}

  @Override
  public int attempts(Sent sent) {
    return SandboxLedger.attempts(sent.id());
  }

  @Override
  public int expectedAttempts(Sent sent) {
    return sent.to().endsWith("0002") ? 3 : 1;
  }

  @Override
  public String expectedStatus(Sent sent) {
    return sent.to().endsWith("0001") ? "failed" : "delivered";
  }
}
