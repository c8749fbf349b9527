package dev.switchboard.engine.broker;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * What a channel's consumer does with the messages of one of its queues: decode, keep in order per
 * lane, hand over. The broker message is acked when the handler's stage completes normally, handed
 * back for redelivery when it fails, and dead-lettered when it fails with {@link Rejected} or
 * cannot be decoded.
 */
public interface QueueWork<J> {

  Topology.Flow flow();

  /**
   * @throws IllegalArgumentException when the bytes are not a job (a poison message)
   */
  J decode(byte[] body);

  /** Jobs of one lane run one at a time, in queue order; null runs the job freely. */
  String lane(J job);

  /** The job's id, for logs. */
  String describe(J job);

  CompletionStage<?> handle(J job, boolean redelivered);

  /**
   * Whether the consumer may take jobs now; while false it stops consuming this queue (the jobs
   * stay in the broker) and starts again once true. Polled by the consumer.
   */
  default boolean open() {
    return true;
  }

  /** Why {@link #open()} says no, for the log. */
  default String closedReason() {
    return "no provider can take work";
  }

  /**
   * {@code work}, taking jobs only while {@code gate} also says so ({@code reason} when it does
   * not): the jobs wait in the broker instead of cycling toward their delivery limit.
   */
  static <J> QueueWork<J> gated(QueueWork<J> work, BooleanSupplier gate, String reason) {
    return new QueueWork<>() {
      @Override
      public Topology.Flow flow() {
        return work.flow();
      }

      @Override
      public J decode(byte[] body) {
        return work.decode(body);
      }

      @Override
      public String lane(J job) {
        return work.lane(job);
      }

      @Override
      public String describe(J job) {
        return work.describe(job);
      }

      @Override
      public CompletionStage<?> handle(J job, boolean redelivered) {
        return work.handle(job, redelivered);
      }

      @Override
      public boolean open() {
        return gate.getAsBoolean() && work.open();
      }

      @Override
      public String closedReason() {
        return gate.getAsBoolean() ? work.closedReason() : reason;
      }
    };
  }

  /** A handler's verdict that a job can never succeed: dead-letter it, do not redeliver it. */
  final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * A handler's verdict that a job cannot be taken now (no provider can take it): the consumer
   * keeps it, unacked and first in its lane, stops consuming this queue, and runs it again once the
   * gate opens; it is never handed back into a loop that would spend its delivery limit.
   */
  final class NotNow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotNow(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Outbound jobs: one lane per recipient, open while {@code gate} says so. */
  static QueueWork<OutboundMessage> outbound(JobHandler handler, BooleanSupplier gate) {
    return new QueueWork<>() {
      @Override
      public Topology.Flow flow() {
        return Topology.Flow.OUTBOUND;
      }

      @Override
      public OutboundMessage decode(byte[] body) {
        return MessageCodec.decode(body);
      }

      @Override
      public String lane(OutboundMessage job) {
        return job.to();
      }

      @Override
      public String describe(OutboundMessage job) {
        return job.id();
      }

      @Override
      public CompletionStage<?> handle(OutboundMessage job, boolean redelivered) {
        return handler.handle(job, redelivered);
      }

      @Override
      public boolean open() {
        return gate.getAsBoolean();
      }
    };
  }
}
