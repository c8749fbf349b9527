package dev.switchboard.engine.outbox;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

/** One channel's outbox as the API uses it: its state and its relay. */
public record Outbox(ActorRef<OutboxRelay.Command> relay, OutboxState state) {

  /** Whether the API publishes this channel's accepted messages itself. */
  public boolean direct() {
    return state.direct();
  }

  /**
   * Completes once the relay has published the messages it still owed when it handed the channel
   * back; the API publishes only after that, so it never overtakes them.
   */
  public CompletableFuture<Void> handedBack() {
    return state.handedBack();
  }

  /** Whether the outbox is at its limit: new messages are refused. */
  public boolean full() {
    return state.full();
  }

  /**
   * The API could not publish a message it accepted at {@code since}: the relay takes the channel
   * over, from now on (the state changes at once, so the next message is left to the relay too).
   */
  public void handOver(Instant since) {
    state.backlogged(since);
    relay.tell(new OutboxRelay.Backlog(since));
  }

  /** A message was journaled for the relay to publish. */
  public void nudge() {
    relay.tell(OutboxRelay.Nudge.INSTANCE);
  }
}
