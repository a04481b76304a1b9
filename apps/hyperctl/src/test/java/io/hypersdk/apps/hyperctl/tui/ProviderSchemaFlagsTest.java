package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.apps.hyperctl.HyperCtl;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The wizard's provider flags are the providers' declared settings: each "PROVIDER: ..." flag of
 * {@code hyperctl interactive} is the flag of a setting that provider declares, never of a secret one.
 */
class ProviderSchemaFlagsTest {
  @Test
  void everyProviderFlagOfTheWizardIsADeclaredSettingOfThatProvider() throws Exception {
    Providers providers = Providers.discover();
    Map<String, Map<String, SettingSpec>> byProvider = new HashMap<>();
    for (String name : providers.names()) {
      Map<String, SettingSpec> flags = new HashMap<>();
      providers.get(name).settings().forEach(s -> flags.put(s.flag(), s));
      byProvider.put(name, flags);
    }
    List<OptionSpec> providerFlags = HyperCtl.commandLine().getSubcommands().get("interactive").getCommandSpec()
        .options().stream().filter(o -> byProvider.keySet().stream()
            .anyMatch(p -> String.join(" ", o.description()).startsWith(p + ":"))).toList();
    assertThat(providerFlags).extracting(OptionSpec::longestName)
        .contains("--source", "--vcenter-url", "--username", "--password-file");
    for (OptionSpec o : providerFlags) {
      String provider = String.join(" ", o.description()).split(":")[0];
      SettingSpec s = byProvider.get(provider).get(o.longestName());
      assertThat(s).as("%s is a declared setting of %s", o.longestName(), provider).isNotNull();
      assertThat(s.secret()).isFalse();
    }
  }
}
