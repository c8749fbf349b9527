/**
 * Providers: the SPI a channel adapter implements ({@link
 * dev.switchboard.engine.provider.ProviderAdapter} opening a {@link
 * dev.switchboard.engine.provider.ProviderSession}, found through {@link
 * dev.switchboard.engine.provider.ProviderFactory} by {@link java.util.ServiceLoader}), and the
 * runtime the engine runs each instance in ({@link
 * dev.switchboard.engine.provider.ProviderRuntime}, ADR 7) with the channel routes over them and a
 * circuit breaker per instance ({@link dev.switchboard.engine.provider.CircuitBreaker}, ADR 13).
 * Adapters live in the channels module and depend only on this package and on {@code message}.
 */
package dev.switchboard.engine.provider;
