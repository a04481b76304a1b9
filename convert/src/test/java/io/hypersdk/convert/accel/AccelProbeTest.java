package io.hypersdk.convert.accel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccelProbeTest {
  @TempDir Path dir;
  Path kvm;
  Path boot;
  Path cache;
  Path calls;

  @BeforeEach
  void host() throws Exception {
    kvm = Files.createFile(dir.resolve("kvm"));
    boot = Files.createDirectories(dir.resolve("boot"));
    Files.writeString(boot.resolve("vmlinuz-6.1.0-9-amd64"), "old");
    Files.writeString(boot.resolve("vmlinuz-6.10.0-1-amd64"), "new");
    Files.writeString(boot.resolve("config-6.12.0-1-amd64"), "not a kernel");
    cache = dir.resolve("cache");
    calls = dir.resolve("calls");
  }

  /** A stand-in qemu that logs each boot's arguments and its PID, prints {@code console}, then does {@code then}. */
  Path fakeQemu(String version, String console, String then) {
    return Tools.script(dir.resolve("qemu-" + version), "#!/bin/sh\n"
        + "if [ \"$1\" = --version ]; then echo 'QEMU emulator version " + version + "'; exit 0; fi\n"
        + "echo \"$$ $*\" >> " + calls + "\n"
        + "printf '%s\\n' '" + console + "'\n"
        + then + "\n");
  }

  AccelProbe probe(Path qemu, Duration timeout) {
    return new AccelProbe(qemu, kvm, boot, cache, timeout);
  }

  @Test
  void aKernelThatBootsUnderKvmMeansKvmAndBootsTheNewestKernel() throws Exception {
    Path qemu = fakeQemu("9.0.0", "[    0.912345] Run /init as init process", "exec sleep 60");
    AccelProbe.Decision d = probe(qemu, Duration.ofSeconds(10)).decide(null);
    assertThat(d.accel()).isEqualTo(Accel.KVM);
    assertThat(d.reason()).startsWith("KVM booted a kernel in ").contains("cached in " + cache.resolve("accel.properties"));
    String call = Files.readString(calls);
    assertThat(call).contains("-accel kvm").contains("-kernel " + boot.resolve("vmlinuz-6.10.0-1-amd64"))
        .contains("console=ttyS0 panic=-1").contains("-no-reboot");
    assertProcessGone(call);
  }

  @Test
  void aKernelThatHangsMeansTcgAfterTheTimeoutAndQemuIsKilled() throws Exception {
    Path qemu = fakeQemu("9.0.0", "SeaBIOS (version 1.16.2)", "exec sleep 60");
    long start = System.nanoTime();
    AccelProbe.Decision d = probe(qemu, Duration.ofSeconds(2)).decide(null);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(d.accel()).isEqualTo(Accel.TCG);
    assertThat(d.reason()).startsWith("KVM did not boot a kernel within 2 s; cached in ");
    assertThat(d.describe()).startsWith("accel: tcg (KVM did not boot a kernel within 2 s");
    assertProcessGone(Files.readString(calls));
  }

  @Test
  void qemuFailingUnderKvmMeansTcgWithItsMessage() throws Exception {
    Path qemu = fakeQemu("9.0.0", "qemu-system-x86_64: failed to initialize kvm: Operation not permitted", "exit 1");
    AccelProbe.Decision d = probe(qemu, Duration.ofSeconds(10)).decide(null);
    assertThat(d.accel()).isEqualTo(Accel.TCG);
    assertThat(d.reason()).startsWith("qemu stopped under KVM before the kernel booted: qemu-system-x86_64: "
        + "failed to initialize kvm: Operation not permitted");
  }

  @Test
  void theDecisionIsCachedPerKernelAndQemuVersion() throws Exception {
    Path qemu = fakeQemu("9.0.0", "Kernel panic - not syncing: VFS: Unable to mount root fs", "exit 0");
    assertThat(probe(qemu, Duration.ofSeconds(10)).decide(null).accel()).isEqualTo(Accel.KVM);
    AccelProbe.Decision again = probe(qemu, Duration.ofSeconds(10)).decide(null);
    assertThat(again.accel()).isEqualTo(Accel.KVM);
    assertThat(again.reason()).contains("probed earlier; cached in " + cache.resolve("accel.properties"));
    assertThat(Files.readAllLines(calls)).hasSize(1);
    assertThat(Files.readString(cache.resolve("accel.properties"))).contains("6.10.0-1-amd64")
        .contains("QEMU emulator version 9.0.0");
    assertThat(cache).isDirectoryNotContaining("glob:**.tmp");

    Path upgraded = fakeQemu("9.1.0", "SeaBIOS", "exec sleep 60");
    assertThat(probe(upgraded, Duration.ofSeconds(1)).decide(null).accel()).isEqualTo(Accel.TCG);
    assertThat(Files.readAllLines(calls)).hasSize(2);

    Files.writeString(boot.resolve("vmlinuz-6.11.0-1-amd64"), "newer");
    assertThat(probe(upgraded, Duration.ofSeconds(1)).decide(null).reason()).doesNotContain("probed earlier");
    assertThat(Files.readAllLines(calls)).hasSize(3);
  }

  @Test
  void withoutKvmDeviceOrKernelOrQemuItIsTcgWithoutProbing() throws Exception {
    Path qemu = fakeQemu("9.0.0", "Run /init", "exit 0");
    assertThat(new AccelProbe(qemu, dir.resolve("no-kvm"), boot, cache, Duration.ofSeconds(5)).decide(null))
        .isEqualTo(new AccelProbe.Decision(Accel.TCG, "no " + dir.resolve("no-kvm")));
    assertThat(new AccelProbe(qemu, kvm, dir.resolve("no-boot"), cache, Duration.ofSeconds(5)).decide(null))
        .isEqualTo(new AccelProbe.Decision(Accel.TCG, "no kernel in " + dir.resolve("no-boot") + " to probe KVM with"));
    assertThat(new AccelProbe(null, kvm, boot, cache, Duration.ofSeconds(5)).decide(null).reason())
        .isEqualTo("qemu-system-x86_64 not found to probe KVM with");
    assertThat(calls).doesNotExist();
  }

  @Test
  void theOperatorOverrideWinsAndABadValueIsOneLine() throws Exception {
    AccelProbe p = probe(fakeQemu("9.0.0", "Run /init", "exit 0"), Duration.ofSeconds(5));
    assertThat(p.decide("tcg")).isEqualTo(new AccelProbe.Decision(Accel.TCG, "set by HYPERSDK_ACCEL"));
    assertThat(p.decide(" KVM ").accel()).isEqualTo(Accel.KVM);
    assertThatThrownBy(() -> p.decide("hvf")).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(ConversionException.Kind.ENVIRONMENT);
      assertThat(e.getMessage()).isEqualTo("HYPERSDK_ACCEL=hvf is not kvm or tcg; unset it to let the probe decide");
    });
    assertThat(calls).doesNotExist();
  }

  @Test
  void theRealProbeOnThisHostDecidesAndCaches() throws Exception {
    Path qemu = Tools.require("qemu-system-x86_64", "qemu-system-x86");
    AccelProbe real = new AccelProbe(qemu, Path.of("/dev/kvm"), Path.of("/boot"), cache, Duration.ofSeconds(10));
    long start = System.nanoTime();
    AccelProbe.Decision first = real.decide(null);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(first.reason()).isNotBlank().doesNotContain("\n");
    AccelProbe.Decision second = real.decide(null);
    assertThat(second.accel()).isEqualTo(first.accel());
    if (Files.exists(Path.of("/dev/kvm")) && real.newestKernel().isPresent()) {
      assertThat(second.reason()).contains("probed earlier");
    }
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(AccelProbe.compareVersions("vmlinuz-6.10.0", "vmlinuz-6.9.0")).isPositive();
    assertThat(AccelProbe.compareVersions("vmlinuz-6.1.0-57-cloud-amd64", "vmlinuz-6.1.0-9-cloud-amd64")).isPositive();
    assertThat(AccelProbe.compareVersions("vmlinuz-6.1.0", "vmlinuz-6.1.0")).isZero();
  }

  @Test
  void accelOptionsForQemuAndLibguestfs() {
    assertThat(Accel.KVM.qemuArgs()).containsExactly("-accel", "kvm");
    assertThat(Accel.TCG.qemuArgs()).containsExactly("-accel", "tcg", "-cpu", "max");
    assertThat(Accel.KVM.libguestfsEnvironment()).isEqualTo(Map.of("LIBGUESTFS_BACKEND", "direct"));
    assertThat(Accel.TCG.libguestfsEnvironment()).isEqualTo(Map.of("LIBGUESTFS_BACKEND", "direct",
        "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg"));
    assertThat(List.of(Accel.KVM.id(), Accel.TCG.id())).containsExactly("kvm", "tcg");
  }

  private static void assertProcessGone(String callLine) {
    long pid = Long.parseLong(callLine.strip().split(" ")[0]);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("qemu %d still runs", pid).isFalse();
  }
}
