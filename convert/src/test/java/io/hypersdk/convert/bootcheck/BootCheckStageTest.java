package io.hypersdk.convert.bootcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.manifest.Pipeline.BootCheck;
import org.junit.jupiter.api.Test;

class BootCheckStageTest {
  static final BootCheck NONE = new BootCheck(null, null);

  @Test
  void flagsThenManifestThenDaemonThenOffAndThreeHundredSeconds() {
    assertThat(BootCheckStage.effective(NONE, NONE, NONE)).isEqualTo(new BootCheck("off", 300));
    assertThat(BootCheckStage.effective(NONE, NONE, new BootCheck("warn", 600))).isEqualTo(new BootCheck("warn", 600));
    assertThat(BootCheckStage.effective(NONE, new BootCheck("on", null), new BootCheck("warn", 600)))
        .isEqualTo(new BootCheck("on", 600));
    assertThat(BootCheckStage.effective(new BootCheck("off", null), new BootCheck("on", 120), NONE))
        .isEqualTo(new BootCheck("off", 120));
    assertThat(BootCheckStage.effective(new BootCheck(null, 90), new BootCheck("on", 120), new BootCheck("warn", 600)))
        .isEqualTo(new BootCheck("on", 90));
  }
}
