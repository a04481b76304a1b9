package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Files;
import java.util.LinkedHashSet;
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
        w.shows("< " + provider + " >");
        // A provider with more settings than the screen has rows scrolls: move down until each field shows.
        int moved = 0;
        for (SettingSpec s : f.settings()) {
          Pattern field = Pattern.compile("(?m)^  " + Pattern.quote(SettingFields.label(s)) + "( |$)");
          while (!field.matcher(w.text()).find()) {
            assertThat(moved).as("%s's %s is a field: screen\n%s", provider, s.name(), w.text()).isLessThan(40);
            w.key(KeyType.ArrowDown);
            moved++;
            Thread.sleep(100);
          }
        }
        for (int k = 0; k < moved; k++) {
          w.key(KeyType.ArrowUp);
        }
        w.shows("< " + provider + " >");
        offered.add(provider);
        // On the 80x24 screen the key help is still on the last row.
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
}
