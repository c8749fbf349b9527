package dev.switchboard.engine.provider;

/**
 * Creates the provider adapters of one type; registered in {@code
 * META-INF/services/dev.switchboard.engine.provider.ProviderFactory}. A provider instance's
 * configuration names its factory by {@link #type()}.
 */
public interface ProviderFactory {
  String type();

  /** Reads the instance's settings (failing loudly on bad ones); opens nothing yet. */
  ProviderAdapter create(ProviderContext context);
}
