package io.hypersdk.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.manifest.Pipeline;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest's pipeline section that a migration's fix and boot-check options ask for. */
class MigrationRequestMapperTest {
  private final MigrationRequestMapper mapper = new MigrationRequestMapper(Path.of("/etc/hyper2kvm"), List.of("hc"));

  @Test
  void theFixIsOnAndTheBootCheckLeftToTheConverterByDefault() {
    Pipeline p = MigrationRequestMapper.stages(MigrationOptions.builder().build());

    assertThat(p.fix().enabled()).isTrue();
    assertThat(p.bootCheck()).as("no boot_check section: the daemon's setting applies").isNull();
    assertThat(p.inspect().enabled()).isTrue();
    assertThat(p.convert().enabled()).isTrue();
    assertThat(p.validate().enabled()).isTrue();
  }

  @Test
  void noFixTurnsTheFixOff() {
    assertThat(MigrationRequestMapper.stages(MigrationOptions.builder().fix(false).build()).fix().enabled()).isFalse();
  }

  @Test
  void aBootCheckModeAndTimeoutAreWrittenAsGiven() {
    MigrationRequest r = mapper.request("/vms/web01.ova", Path.of("/exports/web01"), "ova",
        MigrationOptions.builder().pipeline(true).bootCheck("warn").bootCheckTimeoutSeconds(600).build());

    assertThat(r.stages().bootCheck()).isEqualTo(new Pipeline.BootCheck("warn", 600));
    assertThat(MigrationRequestMapper.stages(MigrationOptions.builder().bootCheckTimeoutSeconds(60).build())
        .bootCheck()).isEqualTo(new Pipeline.BootCheck(null, 60));
  }

  @Test
  void aBadBootCheckIsOneLineNamingTheChoices() {
    assertThatThrownBy(() -> mapper.request("/vms/a.ova", Path.of("/out"), "ova",
        MigrationOptions.builder().bootCheck("maybe").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the boot check must be off, on or warn, not \"maybe\"");
    assertThatThrownBy(() -> MigrationRequestMapper.stages(MigrationOptions.builder().bootCheckTimeoutSeconds(5).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the boot check timeout must be at least 10 seconds, not 5");
  }
}
