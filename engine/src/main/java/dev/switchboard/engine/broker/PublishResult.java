package dev.switchboard.engine.broker;

/** The broker's answer to one publish: confirmed (durable), or not, and why. */
public sealed interface PublishResult {

  /** The broker confirmed the message: it is in a durable queue. */
  record Confirmed() implements PublishResult {}

  /**
   * Not confirmed: the broker was unreachable, blocked, nacked, or the confirm did not come in
   * time. The message may or may not be in the queue; only a confirm counts.
   *
   * @param blocked the broker refused work under a resource alarm
   */
  record NotConfirmed(String reason, boolean blocked) implements PublishResult {}
}
