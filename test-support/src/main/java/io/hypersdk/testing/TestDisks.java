package io.hypersdk.testing;

import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Metadata;
import io.hypersdk.manifest.Nic;
import io.hypersdk.manifest.Source;
import io.hypersdk.manifest.VmSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Real disk images for tests, made with qemu-img, and manifests that point at them. */
public final class TestDisks {
  private TestDisks() {}

  /**
   * A sparse raw image of {@code sizeMiB} with pseudo-random data in every fourth MiB, so conversions have
   * real content to carry and holes to keep.
   */
  public static Path raw(Path dir, String name, int sizeMiB, long seed) throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    Path file = dir.resolve(name + ".raw");
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) sizeMiB << 20);
      for (int mib = 0; mib < sizeMiB; mib += 4) {
        random.nextBytes(block);
        f.seek((long) mib << 20);
        f.write(block);
      }
    }
    return file;
  }

  /**
   * Converts a raw image to {@code qemuFormat} (vmdk, vpc, vhdx, qcow2, raw) with optional {@code -o}
   * options such as {@code subformat=streamOptimized}.
   */
  public static Path as(Path raw, String qemuFormat, String options, String extension) {
    Path target = raw.resolveSibling(raw.getFileName().toString().replaceFirst("\\.raw$", "") + "." + extension);
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", qemuFormat));
    if (options != null) {
      cmd.add("-o");
      cmd.add(options);
    }
    cmd.add(raw.toString());
    cmd.add(target.toString());
    Tools.run(cmd);
    return target;
  }

  public static Path vmdkSparse(Path raw) {
    return as(raw, "vmdk", "subformat=monolithicSparse", "vmdk");
  }

  public static Path vmdkStreamOptimized(Path raw) {
    return as(raw, "vmdk", "subformat=streamOptimized", "stream.vmdk");
  }

  /** VHD, which qemu-img calls {@code vpc}; the manifest calls it {@code vhd}. */
  public static Path vhd(Path raw) {
    return as(raw, "vpc", null, "vhd");
  }

  public static Path vhdx(Path raw) {
    return as(raw, "vhdx", null, "vhdx");
  }

  public static Path qcow2(Path raw) {
    return as(raw, "qcow2", null, "qcow2");
  }

  public static Path vdi(Path raw) {
    return as(raw, "vdi", null, "vdi");
  }

  /**
   * A raw image of {@code sizeMiB} whose every other MiB holds repetitive text, so that compressed qcow2
   * output is measurably smaller than uncompressed output (random data does not compress).
   */
  public static Path compressibleRaw(Path dir, String name, int sizeMiB) throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    Path file = dir.resolve(name + ".raw");
    byte[] line = "HyperSDK compressible test data 0123456789 abcdefghijklmnopqrstuvwxyz\n"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] block = new byte[1 << 20];
    for (int i = 0; i < block.length; i++) {
      block[i] = line[i % line.length];
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) sizeMiB << 20);
      for (int mib = 0; mib < sizeMiB; mib += 2) {
        f.seek((long) mib << 20);
        f.write(block);
      }
    }
    return file;
  }

  /** A file of {@code bytes} pseudo-random bytes: no image format recognises it (qemu-img probes it as raw). */
  public static Path garbage(Path dir, String fileName, int bytes, long seed) throws IOException {
    byte[] data = new byte[bytes];
    new Random(seed).nextBytes(data);
    Path file = dir.resolve(fileName);
    Files.write(file, data);
    return file;
  }

  /**
   * Breaks a qcow2 image's metadata in place: zeroes the start of its first refcount block, so every
   * cluster in use has refcount 0 and {@code qemu-img check} reports errors (exit 2). The data is untouched.
   */
  public static void corruptQcow2Refcounts(Path qcow2) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(qcow2.toFile(), "rw")) {
      f.seek(48);
      long refcountTable = f.readLong();
      f.seek(refcountTable);
      long firstBlock = f.readLong();
      if (refcountTable <= 0 || firstBlock <= 0 || firstBlock >= f.length()) {
        throw new AssertionError(qcow2 + " does not look like a qcow2 image (refcount table at "
            + refcountTable + ", first block at " + firstBlock + ")");
      }
      f.seek(firstBlock);
      f.write(new byte[512]);
    }
  }

  /**
   * Writes {@code dir/qemu-img}, a wrapper for the real qemu-img that, after every successful
   * {@code convert}, breaks the output qcow2 as {@link #corruptQcow2Refcounts} does; every other command
   * runs unchanged. Point {@code HYPERSDK_QEMU_IMG} at it to make the converter's integrity check fail.
   */
  public static Path corruptingQemuImg(Path dir) throws IOException {
    Path real = Tools.require("qemu-img", "qemu-utils");
    Tools.require("od", "coreutils");
    Tools.require("dd", "coreutils");
    Path script = dir.resolve("qemu-img");
    Files.writeString(script, String.join("\n",
        "#!/bin/sh",
        "# Runs the real qemu-img, then corrupts the refcounts of what 'convert' wrote.",
        "'" + real + "' \"$@\"",
        "rc=$?",
        "if [ \"$rc\" -eq 0 ] && [ \"$1\" = convert ]; then",
        "  for out in \"$@\"; do :; done",
        "  table=$(od -An -tu8 --endian=big -j48 -N8 \"$out\" | tr -d ' ')",
        "  block=$(od -An -tu8 --endian=big -j\"$table\" -N8 \"$out\" | tr -d ' ')",
        "  dd if=/dev/zero of=\"$out\" bs=512 seek=$((block / 512)) count=1 conv=notrunc 2>/dev/null || exit 70",
        "fi",
        "exit $rc",
        ""));
    if (!script.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + script + " executable");
    }
    return script;
  }

  /** A manifest disk entry for a file, with its real checksum. */
  public static Disk disk(String id, Path file, String format, int bootOrderHint) throws IOException {
    return Disk.builder().id(id).sourceFormat(format).bytes(Files.size(file))
        .localPath(file.toAbsolutePath().toString()).checksum(Sha256.ofFile(file)).bootOrderHint(bootOrderHint)
        .diskType(bootOrderHint == 0 ? "boot" : "data").build();
  }

  /** A complete, valid manifest for a VM with the given disks. */
  public static ArtifactManifest manifest(String vmName, String jobId, List<Disk> disks) {
    return ArtifactManifest.builder()
        .source(new Source("local", "vm-1", vmName, "DC0", "2026-01-31T12:00:00Z", "test"))
        .vm(new VmSpec(2, 1, "bios", false, "linux", "test"))
        .disks(disks)
        .addNic(new Nic("nic0", "00:50:56:aa:bb:01", "VM Network"))
        .metadata(new Metadata("test", jobId, "2026-01-31T12:00:00Z", null))
        .build();
  }
}
