package dev.switchboard.engine.provider;

/**
 * Creates the providers of one type; registered in {@code
 * META-INF/services/dev.switchboard.engine.provider.ProviderFactory}. A channel's configuration
 * names its provider by {@link #type()}.
 */
public interface ProviderFactory {
  String type();

  ChannelProvider create(ProviderContext context);
}
