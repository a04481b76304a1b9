package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.vsphere.vim25.TlsTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the connection settings come from, and that the password never shows. */
class VsphereSettingsTest {
  @TempDir
  Path dir;

  private static VsphereSettings from(Map<String, String> options, Map<String, String> env) throws ProviderException {
    return VsphereSettings.from(new ProviderSettings(options), env);
  }

  @Test
  void aHostBecomesTheHttpsSdkEndpoint() throws Exception {
    VsphereSettings s = from(Map.of("url", "vc.example.com", "username", "u"), Map.of("HYPERSDK_VSPHERE_PASSWORD", "p"));
    assertThat(s.sdk().toString()).isEqualTo("https://vc.example.com/sdk");
    assertThat(s.trust().mode()).isEqualTo(TlsTrust.Mode.SYSTEM);
    assertThat(s.parallel()).isEqualTo(3);
    assertThat(s.powerOff()).isFalse();
  }

  @Test
  void theGovcEnvironmentIsUsedWhenNoOptionIsGiven() throws Exception {
    VsphereSettings s = from(Map.of(), Map.of("GOVC_URL", "https://administrator%40vsphere.local:S3cr%23t@vc:8443",
        "GOVC_INSECURE", "1"));
    assertThat(s.sdk().toString()).isEqualTo("https://vc:8443/sdk");
    assertThat(s.username()).isEqualTo("administrator@vsphere.local");
    assertThat(s.password()).isEqualTo("S3cr#t");
    assertThat(s.trust().mode()).isEqualTo(TlsTrust.Mode.INSECURE);
    assertThat(s.toString()).doesNotContain("S3cr").contains("password=(hidden)");
  }

  @Test
  void optionsWinOverTheEnvironmentAndTheFileOverPasswordVariables() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "from-file\nignored second line\n");
    Map<String, String> env = Map.of("GOVC_URL", "https://a:b@other", "GOVC_USERNAME", "govc-user",
        "GOVC_PASSWORD", "govc-pw", "HYPERSDK_VSPHERE_PASSWORD", "hypersdk-pw");
    VsphereSettings s = from(Map.of("url", "http://127.0.0.1:1234/sdk", "username", "me", "password_file",
        pw.toString()), env);
    assertThat(s.sdk().toString()).isEqualTo("http://127.0.0.1:1234/sdk");
    assertThat(s.username()).isEqualTo("me");
    assertThat(s.password()).isEqualTo("from-file");
    assertThat(from(Map.of("url", "vc"), env).password()).isEqualTo("hypersdk-pw");
    assertThat(from(Map.of("url", "vc"), env).username()).isEqualTo("govc-user");
  }

  @Test
  void missingPiecesAreNamedWithTheOptionToGive() {
    assertThatThrownBy(() -> from(Map.of(), Map.of())).hasMessageContaining("--vcenter-url");
    assertThatThrownBy(() -> from(Map.of("url", "vc"), Map.of())).hasMessageContaining("--username");
    assertThatThrownBy(() -> from(Map.of("url", "vc", "username", "u"), Map.of()))
        .hasMessageContaining("--password-file");
  }

  @Test
  void trustOptionsExcludeEachOtherAndThumbprintsAreChecked() {
    Map<String, String> env = Map.of("HYPERSDK_VSPHERE_PASSWORD", "p");
    Map<String, String> both = new HashMap<>(Map.of("url", "vc", "username", "u", "insecure", "true",
        "thumbprint", "ab".repeat(32)));
    assertThatThrownBy(() -> from(both, env)).hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> from(Map.of("url", "vc", "username", "u", "thumbprint", "xyz"), env))
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void aPasswordInTheUrlOptionIsRefusedButGovcUrlMayCarryOne() throws Exception {
    assertThatThrownBy(() -> from(Map.of("url", "https://root:Hidden-pw@esx"), Map.of()))
        .hasMessageContaining("must not carry a password").hasMessageNotContaining("Hidden-pw");
    assertThat(from(Map.of("url", "https://root@esx"), Map.of("GOVC_PASSWORD", "p")).username()).isEqualTo("root");
    assertThat(from(Map.of(), Map.of("GOVC_URL", "https://root:Hidden-pw@esx")).password()).isEqualTo("Hidden-pw");
  }

  @Test
  void aUrlWithAPasswordIsNeverEchoed() {
    assertThatThrownBy(() -> from(Map.of("url", "ftp://u:Hidden-pw@vc"), Map.of()))
        .hasMessageNotContaining("Hidden-pw").hasMessageContaining("ftp://vc");
  }

  @Test
  void aJobsInMemoryPasswordWinsOverFileAndEnvironmentAndIsHidden() throws Exception {
    ProviderSettings given = ProviderSettings.builder(new VsphereProviderFactory())
        .setAll(Map.of("url", "vc", "username", "u", "password", "In-Memory-pw")).build(Map.of());
    VsphereSettings s = VsphereSettings.from(given, Map.of("GOVC_PASSWORD", "govc-pw"));
    assertThat(s.password()).isEqualTo("In-Memory-pw");
    assertThat(given.toString()).doesNotContain("In-Memory-pw").contains("secrets hidden");
    assertThat(given.shown()).containsOnlyKeys("url", "username");
  }

  @Test
  void theSchemaChecksNamesAndTypesNamingTheSetting() {
    VsphereProviderFactory f = new VsphereProviderFactory();
    assertThatThrownBy(() -> ProviderSettings.builder(f).set("parallel", "many"))
        .hasMessage("parallel: must be a whole number, not 'many'");
    assertThatThrownBy(() -> ProviderSettings.builder(f).set("insecure", "perhaps"))
        .hasMessage("insecure: must be true or false, not 'perhaps'");
    assertThatThrownBy(() -> ProviderSettings.builder(f).set("region", "x"))
        .hasMessageStartingWith("region: unknown setting of provider vsphere (known: url, username, password,");
    assertThatThrownBy(() -> ProviderSettings.builder(f).build(Map.of()))
        .hasMessage("url: is required by provider vsphere (or set GOVC_URL)");
  }
}
