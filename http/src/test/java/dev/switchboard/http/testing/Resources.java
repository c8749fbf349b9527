package dev.switchboard.http.testing;

/** Closing what a test class started, in order, whatever fails on the way. */
public final class Resources {
  private Resources() {}

  /**
   * Closes every non-null resource in the order given, even when one fails; the first failure is
   * thrown at the end with the later ones suppressed.
   */
  public static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
