package io.hypersdk.apps.hyperctl.tui;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fixture of the wizard tests on a virtual terminal: the sample VMs, built once per class, and a work folder. */
@Timeout(120)
abstract class WizardTest {
  @TempDir
  static Path samples;
  static Path vms;

  @TempDir
  Path work;

  @BeforeAll
  static void buildSampleVms() throws Exception {
    vms = SampleVms.build(samples);
  }
}
