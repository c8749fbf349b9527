package dev.switchboard.engine.provider;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The persisted index from a provider's ids to our message ids, written with a send's outcome, so a
 * receipt finds its message whenever it comes: before the send's outcome is recorded, after a
 * restart, for any segment of a long SMS.
 */
public interface ProviderIdIndex {

  /** Records that {@code provider} knows message {@code messageId} by each of {@code ids}. */
  CompletionStage<Void> record(String provider, List<String> ids, String messageId);

  /** Our message id for a provider's id, if it was recorded. */
  CompletionStage<Optional<String>> find(String provider, String providerMessageId);
}
