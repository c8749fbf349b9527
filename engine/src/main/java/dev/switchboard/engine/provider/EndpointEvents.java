package dev.switchboard.engine.provider;

import java.util.concurrent.CompletionStage;

/**
 * What an instance's {@link ProviderEndpoint} reports through: the engine's durable events, counted
 * in the instance's metrics as its session's reports are.
 */
final class EndpointEvents implements ProviderEvents {
  private final ProviderEvents engine;
  private final ProviderMetrics metrics;

  EndpointEvents(ProviderEvents engine, ProviderMetrics metrics) {
    this.engine = engine;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
    return counted("receipt", engine.receipt(receipt));
  }

  @Override
  public CompletionStage<Void> inbound(InboundMessage message) {
    return counted("inbound", engine.inbound(message));
  }

  @Override
  public void sessionLost(String cause) {
    // An endpoint has no session: a peer that stops calling is not a lost connection.
  }

  private CompletionStage<Void> counted(String kind, CompletionStage<Void> stage) {
    return stage.whenComplete((ok, error) -> metrics.reported(kind, error == null));
  }
}
