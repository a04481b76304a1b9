package io.hypersdk.convert.steps;

import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.OutputFile;
import java.nio.file.Path;

/**
 * A disk converted into the staging folder, with the final name it will be published under. {@code nativeFormat}
 * is the source format when the native converter takes the disk (null: qemu-img); {@code converted} is what the
 * native pass measured (null until it ran, and for qemu-img).
 */
public record StagedDisk(Disk disk, Path staged, Path target, String format, SourceFormat nativeFormat,
    NativeConverter.Result converted) {

  /** A disk planned for qemu-img. */
  public StagedDisk(Disk disk, Path staged, Path target, String format) {
    this(disk, staged, target, format, null, null);
  }

  /** What converts this disk, as results name it. */
  public String converter() {
    return nativeFormat != null ? OutputFile.CONVERTER_NATIVE : OutputFile.CONVERTER_QEMU_IMG;
  }

  StagedDisk withConverted(NativeConverter.Result r) {
    return new StagedDisk(disk, staged, target, format, nativeFormat, r);
  }

  /** The same disk, converted by qemu-img instead (the native pass could not read it). */
  StagedDisk forQemuImg() {
    return new StagedDisk(disk, staged, target, format);
  }

  /**
   * The same disk without what the conversion pass measured: the fix stage changed it, so the pass's output
   * digest no longer holds.
   */
  public StagedDisk changedAfterConversion() {
    return new StagedDisk(disk, staged, target, format, nativeFormat, null);
  }
}
