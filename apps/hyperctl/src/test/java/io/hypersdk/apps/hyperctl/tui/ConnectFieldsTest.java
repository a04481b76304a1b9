package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Connect step is made from the providers' declared settings: every provider of the build, every setting. */
class ConnectFieldsTest extends WizardTest {
  @Test
  void providerChoiceListsThisBuildsProvidersEachWithItsSettingsAsFields() throws Exception {
    Providers providers = Providers.discover();
    Set<String> offered = new LinkedHashSet<>();
    try (VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      String provider = WizardModel.LOCAL;
      for (int i = 0; i < providers.names().size(); i++) {
        ProviderFactory f = providers.get(provider);
        List<String> labels = f.settings().stream().map(SettingFields::label).toList();
        String screen = w.shows(concat("< " + provider + " >", labels));
        offered.add(provider);
        for (SettingSpec s : f.settings()) {
          assertThat(screen).as("%s's %s is a field", provider, s.name()).containsPattern("(?m)^  "
              + Pattern.quote(SettingFields.label(s)) + "( |$)");
        }
        // All of it on the 80x24 screen: the key help is still on the last row.
        assertThat(w.rowShows(VirtualWizard.ROWS - 1, "Enter connect")).contains("Enter connect");
        w.type(" ");
        provider = providers.names().get((providers.names().indexOf(provider) + 1) % providers.names().size());
      }
    }
    assertThat(offered).containsExactlyInAnyOrderElementsOf(providers.names());
  }

  @Test
  void aRequiredSettingLeftBlankIsOneLineNamingIt() throws Exception {
    try (VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      w.shows("< local >");
      // local -> vsphere; Enter with its required URL blank.
      w.type(" ").shows("< vsphere >");
      w.key(KeyType.Enter);
      w.shows("url", "is required by provider vsphere", "step 1/7");
    }
  }

  @Test
  void labelsComeFromSettingNames() {
    assertThat(SettingFields.label(SettingSpec.builder("url", SettingSpec.Type.STRING).build())).isEqualTo("URL");
    assertThat(SettingFields.label(SettingSpec.builder("password_file", SettingSpec.Type.PATH).build()))
        .isEqualTo("Password file");
    assertThat(SettingFields.label(SettingSpec.builder("role_arn", SettingSpec.Type.STRING).build()))
        .isEqualTo("Role ARN");
  }

  private static String[] concat(String first, List<String> rest) {
    String[] all = new String[rest.size() + 1];
    all[0] = first;
    for (int i = 0; i < rest.size(); i++) {
      all[i + 1] = rest.get(i);
    }
    return all;
  }
}
