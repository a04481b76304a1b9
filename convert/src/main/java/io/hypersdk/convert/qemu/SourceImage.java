package io.hypersdk.convert.qemu;

import io.hypersdk.convert.ConversionException;
import java.nio.file.Path;
import java.util.List;

/** A source disk as qemu-img is told to open it: a path and a format, or for VHD a full option string. */
public record SourceImage(Path path, String format) {
  /**
   * For {@code vpc}, verifies the footer first. Hyper-V, Azure and qemu itself disagree on whether a VHD's size
   * is its footer's current size or its CHS geometry; qemu picks by creator application and, for Azure's
   * {@code wa}, picks the geometry, which drops the disk's last megabytes (and its backup GPT). The footer's
   * current size is what every writer means, so qemu is told to use it.
   */
  public static SourceImage verified(Path path, String format) throws ConversionException {
    if ("vpc".equals(format)) {
      VhdFooter.read(path);
    }
    return new SourceImage(path, format);
  }

  /** The qemu-img options that say how to open {@link #name()}: {@code -f fmt}, or {@code --image-opts}. */
  public List<String> options() {
    return "vpc".equals(format) ? List.of("--image-opts") : List.of("-f", format);
  }

  /** The source operand: the path, or for VHD the option string that carries it. */
  public String name() {
    if ("vpc".equals(format)) {
      // In qemu's option syntax a comma is escaped by doubling it.
      return "driver=vpc,force_size_calc=current_size,file.filename=" + path.toString().replace(",", ",,");
    }
    return path.toString();
  }
}
