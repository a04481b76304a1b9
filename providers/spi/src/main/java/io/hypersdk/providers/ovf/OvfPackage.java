package io.hypersdk.providers.ovf;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.VmInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the files that travel with exported disks: {@code NAME.ovf} and {@code NAME.mf}, and for the OVA
 * format {@code NAME.ova}, a tar with the descriptor first, then the disks, then the .mf.
 */
public final class OvfPackage {
  private OvfPackage() {}

  /** The files written: the descriptor, and the archive for OVA (else null). */
  public record Written(Path descriptor, Path manifest, Path archive) {}

  public static Written write(Path dir, String stem, VmInfo vm, List<ExportedDisk> disks, ExportFormat format)
      throws IOException {
    return write(dir, stem, OvfWriter.descriptor(vm, disks), disks, format);
  }

  /** As above with a descriptor made elsewhere (e.g. by vCenter's OvfManager); it must reference the disks. */
  public static Written write(Path dir, String stem, String descriptorXml, List<ExportedDisk> disks,
      ExportFormat format) throws IOException {
    byte[] ovf = descriptorXml.getBytes(StandardCharsets.UTF_8);
    Path descriptor = dir.resolve(stem + ".ovf");
    AtomicFiles.write(descriptor, ovf);
    Path mf = dir.resolve(stem + ".mf");
    byte[] mfBytes = OvfWriter.manifest(descriptor.getFileName().toString(), Sha256.ofFile(descriptor), disks)
        .getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(mf, mfBytes);
    if (format != ExportFormat.OVA) {
      return new Written(descriptor, mf, null);
    }
    Path ova = dir.resolve(stem + ".ova");
    Path temp = AtomicFiles.tempSibling(ova);
    List<Path> order = new ArrayList<>();
    order.add(descriptor);
    disks.forEach(d -> order.add(Path.of(d.path())));
    order.add(mf);
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20);
           Tar.Writer tar = new Tar.Writer(out)) {
        for (Path p : order) {
          long size = Files.size(p);
          tar.beginEntry(p.getFileName().toString(), size, Files.getLastModifiedTime(p).toMillis() / 1000);
          try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(out);
          }
          tar.endEntry(size);
        }
      }
      Files.move(temp, ova, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    return new Written(descriptor, mf, ova);
  }
}
