package dev.switchboard.http.testing;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;

/** Registers {@link StubApiProvider} as provider type {@code stub-api}, in test runs only. */
public final class StubApiProviderFactory implements ProviderFactory {
  @Override
  public String type() {
    return "stub-api";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    return new StubApiProvider(context);
  }
}
