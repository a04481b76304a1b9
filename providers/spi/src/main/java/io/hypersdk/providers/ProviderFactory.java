package io.hypersdk.providers;

/** Creates a provider; implementations are found with {@link java.util.ServiceLoader} by {@link Providers}. */
public interface ProviderFactory {
  String name();

  /** One line for help texts. */
  String description();

  Provider open(ProviderSettings settings) throws ProviderException;
}
