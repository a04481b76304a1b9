package io.hypersdk.manifest;

import java.util.List;

/** Which converter stages run, and how. Absent values take the defaults of {@link #withDefaults}. */
public record Pipeline(Inspect inspect, Fix fix, Convert convert, Validate validate, BootCheck bootCheck) {

  /** A pipeline without a boot check section: the converter's own default (off, or the daemon's setting). */
  public Pipeline(Inspect inspect, Fix fix, Convert convert, Validate validate) {
    this(inspect, fix, convert, validate, null);
  }

  /** Image inspection before conversion. */
  public record Inspect(Boolean enabled, Boolean collectGuestInfo) {}

  /** Guest OS changes (fstab, grub, initramfs, VMware tools). */
  public record Fix(
      Boolean enabled,
      Boolean backup,
      Boolean printFstab,
      Boolean updateGrub,
      Boolean regenInitramfs,
      String fstabMode,
      Boolean removeVmwareTools) {}

  /** The disk conversion itself. */
  public record Convert(Boolean enabled, Boolean compress, Integer compressLevel) {}

  /** Checks of the converted images. */
  public record Validate(Boolean enabled, Boolean checkImageIntegrity) {}

  /**
   * Boots the converted VM on a throwaway overlay and watches its serial console. {@code mode} is
   * {@link #BOOT_CHECK_MODES}: off, on (a failed boot fails the job) or warn (it only warns). Null values mean
   * "not given": the daemon's {@code boot_check} and {@code boot_check_timeout} settings apply, else off and 300 s.
   */
  public record BootCheck(String mode, Integer timeoutSeconds) {}

  /** The boot check's modes, as written in manifests, daemon configs and job options. */
  public static final List<String> BOOT_CHECK_MODES = List.of("off", "on", "warn");

  /** The shortest boot check timeout anything may ask for: no guest boots in less. */
  public static final int MIN_BOOT_CHECK_TIMEOUT_SECONDS = 10;

  /**
   * Fills absent sections and switches: inspect, convert and validate run unless disabled; fix runs only
   * when asked for, because guest changes are invasive.
   */
  public static Pipeline withDefaults(Pipeline p) {
    Inspect i = p == null ? null : p.inspect();
    Fix f = p == null ? null : p.fix();
    Convert c = p == null ? null : p.convert();
    Validate v = p == null ? null : p.validate();
    return new Pipeline(
        new Inspect(or(i == null ? null : i.enabled(), true), or(i == null ? null : i.collectGuestInfo(), false)),
        f == null ? new Fix(false, null, null, null, null, null, null)
            : new Fix(or(f.enabled(), false), f.backup(), f.printFstab(), f.updateGrub(), f.regenInitramfs(),
                f.fstabMode(), f.removeVmwareTools()),
        new Convert(or(c == null ? null : c.enabled(), true), or(c == null ? null : c.compress(), false),
            c == null ? null : c.compressLevel()),
        new Validate(or(v == null ? null : v.enabled(), true),
            or(v == null ? null : v.checkImageIntegrity(), true)),
        p == null || p.bootCheck() == null ? new BootCheck(null, null) : p.bootCheck());
  }

  private static Boolean or(Boolean value, boolean fallback) {
    return value == null ? fallback : value;
  }
}
