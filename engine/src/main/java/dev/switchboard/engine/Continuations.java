package dev.switchboard.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Moves the continuations of Pekko's asks onto a dispatcher. The stages Pekko returns run every
 * continuation on the JDK's default async executor, which on a 2-core machine starts a new thread
 * per task; a plain future completed on our dispatcher does not.
 */
public final class Continuations {
  private Continuations() {}

  /** The same outcome as {@code stage}, as a plain future whose continuations run where added. */
  public static <T> CompletableFuture<T> on(CompletionStage<T> stage, Executor executor) {
    return stage.thenApplyAsync(Function.identity(), executor).toCompletableFuture();
  }
}
