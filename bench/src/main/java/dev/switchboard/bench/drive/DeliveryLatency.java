package dev.switchboard.bench.drive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.bench.measure.Percentiles;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accept-to-delivered latency of a sample of messages, from what the engine itself recorded: the
 * message's {@code createdAt} (taken when the API accepted it) and the times of its {@code sent}
 * and {@code delivered} history entries. One clock, the engine's, so no skew between processes.
 */
public final class DeliveryLatency {

  /** Milliseconds from acceptance to the provider taking it, and to its delivery receipt. */
  public record Result(Percentiles toSent, Percentiles toDelivered, int notDelivered) {}

  private DeliveryLatency() {}

  public static Result measure(EngineClient engine, List<String> ids, Duration settle)
      throws IOException, InterruptedException {
    List<Long> toSent = new ArrayList<>();
    List<Long> toDelivered = new ArrayList<>();
    int notDelivered = 0;
    long deadline = System.nanoTime() + settle.toNanos();
    for (String id : ids) {
      Optional<JsonNode> message = Optional.empty();
      // Bounded as a whole: an engine that stopped answering costs one settle time, not one per id.
      while (!delivered(message) && System.nanoTime() < deadline) {
        message = read(engine, id);
        if (!delivered(message)) {
          Thread.sleep(100);
        }
      }
      if (!delivered(message)) {
        notDelivered++;
        continue;
      }
      Instant created = Instant.parse(message.get().path("createdAt").asText());
      for (JsonNode step : message.get().path("history")) {
        long millis = Duration.between(created, Instant.parse(step.path("at").asText())).toMillis();
        switch (step.path("status").asText()) {
          case "sent" -> toSent.add(millis);
          case "delivered" -> toDelivered.add(millis);
          default -> {}
        }
      }
    }
    return new Result(of(toSent), of(toDelivered), notDelivered);
  }

  private static Optional<JsonNode> read(EngineClient engine, String id) {
    try {
      return engine.message(id);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean delivered(Optional<JsonNode> message) {
    return message.isPresent() && "delivered".equals(message.get().path("status").asText());
  }

  private static Percentiles of(List<Long> millis) {
    return Percentiles.of(millis.stream().mapToLong(Long::longValue).toArray());
  }
}
