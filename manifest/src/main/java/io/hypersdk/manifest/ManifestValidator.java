package io.hypersdk.manifest;

import io.hypersdk.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a manifest against the v1.0 rules; each violation names the field and the rule. */
public final class ManifestValidator {
  private static final Pattern DISK_ID = Pattern.compile("^[a-zA-Z0-9_-]+$");
  private static final Pattern CHECKSUM = Pattern.compile("^sha256:[0-9a-f]{64}$");
  private static final Pattern HEX = Pattern.compile("^[0-9A-Fa-f]+$");
  private static final Pattern MAC = Pattern.compile("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$");
  private static final Set<String> DISK_TYPES = Set.of("boot", "data", "unknown");
  private static final Set<String> FSTAB_MODES = Set.of("stabilize-all", "bypath-only", "noop");
  private static final Set<String> OUTPUT_FORMATS = Set.of("qcow2", "raw", "vdi");

  /** Whether disk files are looked at: structure only, or presence and checksums too. */
  public enum FileChecks { NONE, PRESENCE, PRESENCE_AND_CHECKSUM }

  private ManifestValidator() {}

  /** Validates and throws when anything is wrong. */
  public static void requireValid(ArtifactManifest m, String origin, FileChecks files)
      throws InvalidManifestException {
    List<Violation> violations = validate(m, files);
    if (!violations.isEmpty()) {
      throw new InvalidManifestException(origin, violations);
    }
  }

  /** All violations, structural ones first, then file ones; checksums are hashed only for present files. */
  public static List<Violation> validate(ArtifactManifest m, FileChecks files) {
    List<Violation> out = new ArrayList<>();
    if (!ArtifactManifest.VERSION.equals(m.manifestVersion())) {
      out.add(new Violation("manifest_version", m.manifestVersion() == null
          ? "is required and must be \"1.0\""
          : "must be exactly \"1.0\", not \"" + m.manifestVersion() + "\""));
    }
    validateVm(m.vm(), out);
    validateSource(m.source(), out);
    if (m.disks() == null || m.disks().isEmpty()) {
      out.add(new Violation("disks", "at least one disk is required"));
    } else {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < m.disks().size(); i++) {
        validateDisk(m.disks().get(i), "disks[" + i + "]", ids, files, out);
      }
    }
    validateNics(m, out);
    validatePipeline(m.pipeline(), out);
    if (m.output() != null) {
      Output o = m.output();
      if (o.format() != null && !OUTPUT_FORMATS.contains(o.format())) {
        out.add(new Violation("output.format", "must be qcow2, raw or vdi, not \"" + o.format() + "\""));
      }
      if (o.directory() != null && !isAbsolute(o.directory())) {
        out.add(new Violation("output.directory", "must be an absolute path"));
      }
      if (o.filename() != null && (o.filename().contains("/") || o.filename().startsWith("."))) {
        out.add(new Violation("output.filename", "must be a plain file name without '/' or a leading '.'"));
      }
    }
    return out;
  }

  private static void validateVm(VmSpec vm, List<Violation> out) {
    if (vm == null) {
      return;
    }
    if (vm.cpu() != null && vm.cpu() < 1) {
      out.add(new Violation("vm.cpu", "must be at least 1"));
    }
    if (vm.memGb() != null && vm.memGb() < 0) {
      out.add(new Violation("vm.mem_gb", "must be 0 or more"));
    }
    try {
      vm.firmwareKind();
    } catch (IllegalArgumentException e) {
      out.add(new Violation("vm.firmware", "must be bios, uefi or unknown, not \"" + vm.firmware() + "\""));
    }
    try {
      vm.osHintKind();
    } catch (IllegalArgumentException e) {
      out.add(new Violation("vm.os_hint", "must be linux, windows or unknown, not \"" + vm.osHint() + "\""));
    }
  }

  private static void validateSource(Source source, List<Violation> out) {
    if (source == null || source.exportTimestamp() == null) {
      return;
    }
    try {
      OffsetDateTime.parse(source.exportTimestamp());
    } catch (DateTimeParseException e) {
      out.add(new Violation("source.export_timestamp",
          "must be an ISO 8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z"));
    }
  }

  private static void validateDisk(Disk d, String at, Set<String> ids, FileChecks files, List<Violation> out) {
    if (d == null) {
      out.add(new Violation(at, "must be an object"));
      return;
    }
    if (d.id() == null || d.id().isEmpty()) {
      out.add(new Violation(at + ".id", "is required"));
    } else if (!DISK_ID.matcher(d.id()).matches()) {
      out.add(new Violation(at + ".id", "must match ^[a-zA-Z0-9_-]+$, not \"" + d.id() + "\""));
    } else if (!ids.add(d.id())) {
      out.add(new Violation(at + ".id", "\"" + d.id() + "\" is used by another disk; ids must be unique"));
    }
    if (d.sourceFormat() == null) {
      out.add(new Violation(at + ".source_format", "is required (vmdk, qcow2, raw, vhd, vhdx or vdi)"));
    } else if (DiskFormat.find(d.sourceFormat()).isEmpty()) {
      out.add(new Violation(at + ".source_format",
          "must be one of vmdk, qcow2, raw, vhd, vhdx, vdi, not \"" + d.sourceFormat() + "\""));
    }
    if (d.bytes() != null && d.bytes() < 0) {
      out.add(new Violation(at + ".bytes", "must be 0 or more"));
    }
    if (d.bootOrderHint() != null && d.bootOrderHint() < 0) {
      out.add(new Violation(at + ".boot_order_hint", "must be 0 or more"));
    }
    if (d.diskType() != null && !DISK_TYPES.contains(d.diskType())) {
      out.add(new Violation(at + ".disk_type", "must be boot, data or unknown, not \"" + d.diskType() + "\""));
    }
    boolean checksumWellFormed = true;
    if (d.checksum() != null && !CHECKSUM.matcher(d.checksum()).matches()) {
      out.add(new Violation(at + ".checksum", checksumRule(d.checksum())));
      checksumWellFormed = false;
    }
    if (d.localPath() == null || d.localPath().isEmpty()) {
      out.add(new Violation(at + ".local_path", "is required"));
      return;
    }
    if (!isAbsolute(d.localPath())) {
      out.add(new Violation(at + ".local_path", "must be an absolute path, not \"" + d.localPath() + "\""));
      return;
    }
    if (files == FileChecks.NONE) {
      return;
    }
    Path path = Path.of(d.localPath());
    if (!Files.isRegularFile(path)) {
      out.add(new Violation(at + ".local_path", "file " + d.localPath() + " does not exist"));
      return;
    }
    if (!Files.isReadable(path)) {
      out.add(new Violation(at + ".local_path", "file " + d.localPath() + " is not readable"));
      return;
    }
    if (files == FileChecks.PRESENCE_AND_CHECKSUM && d.checksum() != null && checksumWellFormed) {
      try {
        String actual = Sha256.ofFile(path);
        if (!actual.equals(d.checksum())) {
          out.add(new Violation(at + ".checksum", "does not match " + d.localPath() + " (manifest has "
              + d.checksum() + ", the file hashes to " + actual + ")"));
        }
      } catch (IOException e) {
        out.add(new Violation(at + ".local_path", "cannot read " + d.localPath() + ": " + e.getMessage()));
      }
    }
  }

  /** The rule a malformed checksum breaks, naming the usual mistakes: another hash, a cut digest, no prefix. */
  static String checksumRule(String checksum) {
    int colon = checksum.indexOf(':');
    String algorithm = colon < 0 ? null : checksum.substring(0, colon);
    String digest = colon < 0 ? checksum : checksum.substring(colon + 1);
    boolean hex = HEX.matcher(digest).matches();
    if (algorithm == null && hex && digest.length() == 64) {
      return "needs the algorithm: write sha256:" + digest.toLowerCase(Locale.ROOT);
    }
    if (algorithm != null && !algorithm.equalsIgnoreCase("sha256")) {
      return "must be a SHA-256 (sha256:<64 lowercase hex digits>), not \"" + algorithm + "\"; use sha256sum FILE";
    }
    if (hex && digest.length() != 64) {
      return "the digest has " + digest.length() + " hex digits, but a SHA-256 has 64"
          + (digest.length() == 40 ? " (40 is a SHA-1)" : digest.length() == 32 ? " (32 is an MD5)"
              : digest.length() == 128 ? " (128 is a SHA-512)" : "") + "; use sha256sum FILE";
    }
    if (hex) {
      return "the digest must be lowercase hex: sha256:" + digest.toLowerCase(Locale.ROOT);
    }
    return "must be sha256:<64 lowercase hex digits>";
  }

  private static void validateNics(ArtifactManifest m, List<Violation> out) {
    if (m.nics() == null) {
      return;
    }
    for (int i = 0; i < m.nics().size(); i++) {
      Nic nic = m.nics().get(i);
      if (nic != null && nic.mac() != null && !MAC.matcher(nic.mac()).matches()) {
        out.add(new Violation("nics[" + i + "].mac", "must look like 00:50:56:aa:bb:cc, not \"" + nic.mac() + "\""));
      }
    }
  }

  private static void validatePipeline(Pipeline p, List<Violation> out) {
    if (p == null) {
      return;
    }
    if (p.fix() != null && p.fix().fstabMode() != null && !FSTAB_MODES.contains(p.fix().fstabMode())) {
      out.add(new Violation("pipeline.fix.fstab_mode",
          "must be stabilize-all, bypath-only or noop, not \"" + p.fix().fstabMode() + "\""));
    }
    if (p.convert() != null && p.convert().compressLevel() != null
        && (p.convert().compressLevel() < 1 || p.convert().compressLevel() > 9)) {
      out.add(new Violation("pipeline.convert.compress_level", "must be from 1 to 9"));
    }
    if (p.bootCheck() != null && p.bootCheck().mode() != null
        && !Pipeline.BOOT_CHECK_MODES.contains(p.bootCheck().mode())) {
      out.add(new Violation("pipeline.boot_check.mode", "must be off, on or warn, not \"" + p.bootCheck().mode() + "\""));
    }
    if (p.bootCheck() != null && p.bootCheck().timeoutSeconds() != null && p.bootCheck().timeoutSeconds() < Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS) {
      out.add(new Violation("pipeline.boot_check.timeout_seconds", "must be at least "
          + Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS));
    }
  }

  private static boolean isAbsolute(String path) {
    try {
      return Path.of(path).isAbsolute();
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
