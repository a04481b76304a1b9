package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The installed UEFI firmware for x86_64 guests: its code and the template of its variable store, which each
 * boot copies because the firmware writes to it. Distributions name the files differently.
 */
record Ovmf(Path code, Path varsTemplate) {
  private static final List<Ovmf> PLAIN = List.of(
      of("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
      of("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),
      of("/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"),
      of("/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"));
  private static final List<Ovmf> SECURE_BOOT = List.of(
      of("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"),
      of("/usr/share/OVMF/OVMF_CODE.secboot.fd", "/usr/share/OVMF/OVMF_VARS.ms.fd"),
      of("/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd"));

  private static Ovmf of(String code, String vars) {
    return new Ovmf(Path.of(code), Path.of(vars));
  }

  /** The first installed pair, with secure boot when the domain asks for it. */
  static Ovmf find(boolean secureBoot) throws ConversionException {
    Optional<Ovmf> found = (secureBoot ? SECURE_BOOT : PLAIN).stream()
        .filter(o -> Files.isReadable(o.code()) && Files.isReadable(o.varsTemplate())).findFirst();
    return found.orElseThrow(() -> new ConversionException(Kind.ENVIRONMENT, "the guest boots with UEFI"
        + (secureBoot ? " and secure boot" : "") + " but no OVMF firmware is installed; install it (Debian/Ubuntu: "
        + "apt-get install ovmf, RHEL: dnf install edk2-ovmf)"));
  }
}
