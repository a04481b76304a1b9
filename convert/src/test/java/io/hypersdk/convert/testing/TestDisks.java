package io.hypersdk.convert.testing;

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
