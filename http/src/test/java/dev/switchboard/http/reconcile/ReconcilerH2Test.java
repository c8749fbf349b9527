package dev.switchboard.http.reconcile;

import dev.switchboard.http.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The reconciler on the embedded default: an H2 journal in a data directory per test. */
class ReconcilerH2Test extends ReconcilerContract {
  private final Map<String, Path> dirs = new HashMap<>();

  @Override
  TestNode start(String amqpUri, String journal, Map<String, Object> settings) {
    Path dir =
        dirs.computeIfAbsent(
            journal,
            name -> {
              try {
                return Files.createTempDirectory("switchboard-reconciler-" + name);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return TestNode.startEmbedded(amqpUri, dir, settings);
  }
}
