package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the engine gives a provider when it creates it.
 *
 * @param channel the channel name the provider serves ({@code sms}, {@code sandbox}, ...)
 * @param config the channel's block of {@code switchboard.engine.channels}
 * @param system for the scheduler and the provider's own dispatchers
 */
public record ProviderContext(
    String channel, Config config, ActorSystem<?> system, ReceiptSink receipts) {}
