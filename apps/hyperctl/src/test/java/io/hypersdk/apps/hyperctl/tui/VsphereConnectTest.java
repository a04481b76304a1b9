package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vSphere provider against the vCenter simulator: the password typed into a masked field (never on the
 * screen, never left in a file), a refused login as one line, power states in the list, and a running VM
 * powered off, exported and converted.
 */
@Timeout(240)
class VsphereConnectTest {
  static final String VM = "/DC0/vm/DC0_H0_VM0";

  @TempDir
  Path work;

  @Test
  void typedPasswordConnectsListsPowerStatesAndMigrates() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path bootRaw = TestDisks.raw(Files.createDirectories(work.resolve("raw")), "boot", 16, 41);
    Path out = work.resolve("out");
    try (Vcsim sim = Vcsim.start(work.resolve("sim"));
        VirtualWizard w = VirtualWizard.local(work, Files.createDirectories(work.resolve("etc")))) {
      sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(bootRaw));
      w.model.fix = false; // the simulator's disk holds no operating system, which the fix refuses
      w.shows("step 1/7", "< local >");
      // Provider -> vsphere, then URL, user, and a wrong password first.
      w.type(" ").key(KeyType.ArrowDown).type(sim.url()).key(KeyType.ArrowDown).type(Vcsim.USER)
          .key(KeyType.ArrowDown).type("Wr0ng-secret");
      String masked = w.shows("< vsphere >", "URL", "Username", "Password", "************_", "Password file",
          "Insecure", "CA file", "Thumbprint", "Power off", "Shutdown timeout", "Parallel",
          "never a flag or a stored value", "Secret settings are masked");
      assertThat(masked).doesNotContain("Wr0ng-secret");
      w.key(KeyType.Enter);
      String refused = w.shows("rejected the login of " + Vcsim.USER);
      assertThat(refused).contains("step 1/7").doesNotContain("Wr0ng-secret");

      // The right password, and power-off for the running VM.
      for (int i = 0; i < "Wr0ng-secret".length(); i++) {
        w.key(KeyType.Backspace);
      }
      // Down past password file, insecure, CA file and thumbprint to power off.
      w.type(Vcsim.PASSWORD);
      for (int i = 0; i < 5; i++) {
        w.key(KeyType.ArrowDown);
      }
      w.type(" ");
      assertThat(w.shows("*".repeat(Vcsim.PASSWORD.length()), "< yes >")).containsPattern("Power off +< yes >");
      w.key(KeyType.Enter);
      String list = w.shows(Duration.ofSeconds(60), "step 2/7: Pick VMs", "DC0_H0_VM0", "DC0_C0_RP0_VM1");
      assertThat(list).containsPattern("DC0_H0_VM0 +poweredOn +1 +32 MiB +1  " + VM);
      assertThat(passwordFilesLeft()).isEmpty();

      w.type("/H0_VM0").key(KeyType.Enter).type(" ").key(KeyType.Enter);
      w.shows("step 3/7");
      w.type(out.toString()).key(KeyType.Enter);
      w.shows("step 4/7", "Daemon status: daemon mode off");
      w.key(KeyType.Enter);
      String confirm = w.shows("step 5/7", "vsphere, url " + sim.url() + ", username " + Vcsim.USER);
      assertThat(confirm).doesNotContain(Vcsim.PASSWORD);
      w.key(KeyType.Enter);
      String summary = w.shows(Duration.ofSeconds(180), "step 7/7");
      assertThat(summary).contains("Summary: 1 of 1 migrated", "DC0_H0_VM0: ok");
      Path qcow2 = out.resolve("DC0_H0_VM0/DC0_H0_VM0.qcow2");
      assertThat(VirtualWizard.flat(summary)).contains("qcow2: " + qcow2);
      assertThat(Tools.sameContent(bootRaw, qcow2)).as("the converted disk holds the VM's disk").isTrue();
      assertThat(sim.soapCalls()).contains("ShutdownGuest", "ExportVm");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }

  /** Password files the wizard handed to the provider and did not delete. */
  private static java.util.List<Path> passwordFilesLeft() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("hyperctl-")
          && p.getFileName().toString().endsWith(".pw")).toList();
    }
  }
}
