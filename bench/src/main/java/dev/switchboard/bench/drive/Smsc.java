package dev.switchboard.bench.drive;

import dev.switchboard.testkit.smsc.SmscSimulator;
import java.io.IOException;

/**
 * The SMSC of the sms mode: the testkit's simulator on a free loopback port, in the benchmark's JVM
 * so its submit count can be read directly. It only counts submissions (a run sends hundreds of
 * thousands), and answers each with a receipt of {@code receipts} unless that is null.
 */
public final class Smsc {
  private Smsc() {}

  public static SmscSimulator start(String systemId, String password, String receipts)
      throws IOException {
    return SmscSimulator.start(
        SmscSimulator.Options.defaults()
            .withCredentials(systemId, password)
            .withAutoReceipts(receipts)
            // A real SMSC keeps many deliver_sm outstanding; 4 at a time capped receipts near
            // 65/s here while each waits for the engine's broker confirm.
            .withDeliverThreads(64)
            .withRecordSubmissions(false));
  }
}
