package io.hypersdk.providers;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Creates a provider; implementations are found with {@link ServiceLoader} by {@link Providers}. */
public interface ProviderFactory {
  String name();

  /** One line for help texts. */
  String description();

  /** The provider's name as help texts write it, e.g. "vSphere" or "AWS"; the name unless a provider says. */
  default String title() {
    return name();
  }

  /** Every setting {@link #open} reads, in the order a form or a help text shows them. */
  List<SettingSpec> settings();

  Provider open(ProviderSettings settings) throws ProviderException;

  /** The declaration of one setting, if this provider has it. */
  default Optional<SettingSpec> setting(String name) {
    return settings().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
