package dev.switchboard.engine.provider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A little state a provider instance keeps across restarts and shares with the same instance on the
 * other nodes (an OAuth refresh token that rotates on every use): one versioned value per instance
 * and key, written only over the version the writer read, so two nodes never both replace the same
 * value without one of them knowing. Never blocks: the engine's is a table in the journal's
 * database.
 */
public interface ProviderState {

  /** A stored value and its version (1 for the first write, one more for each after it). */
  record Entry(long version, String value) {}

  /** The value under {@code key} for {@code provider}, if one was written. */
  CompletionStage<Optional<Entry>> read(String provider, String key);

  /**
   * Writes {@code value} if the stored version is still {@code expectedVersion} (0: nothing stored
   * yet).
   *
   * @return true when written (the new version is {@code expectedVersion + 1}); false when another
   *     writer got there first
   */
  CompletionStage<Boolean> write(String provider, String key, long expectedVersion, String value);

  /** A state held in this JVM only (tests, and embedders without a database): lost on restart. */
  static ProviderState inMemory() {
    Map<String, Entry> entries = new ConcurrentHashMap<>();
    return new ProviderState() {
      @Override
      public CompletionStage<Optional<Entry>> read(String provider, String key) {
        return CompletableFuture.completedFuture(
            Optional.ofNullable(entries.get(provider + '\u0000' + key)));
      }

      @Override
      public CompletionStage<Boolean> write(
          String provider, String key, long expectedVersion, String value) {
        boolean[] written = {false};
        entries.compute(
            provider + '\u0000' + key,
            (k, current) -> {
              long version = current == null ? 0 : current.version();
              if (version != expectedVersion) {
                return current;
              }
              written[0] = true;
              return new Entry(version + 1, value);
            });
        return CompletableFuture.completedFuture(written[0]);
      }
    };
  }
}
