/**
 * The channel provider SPI: what a channel adapter implements ({@link
 * dev.switchboard.engine.provider.ChannelProvider}, found through {@link
 * dev.switchboard.engine.provider.ProviderFactory} by {@link java.util.ServiceLoader}) and what the
 * engine hands it. Adapters live in the channels module and depend only on this package and on
 * {@code message}.
 */
package dev.switchboard.engine.provider;
