package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A source image format the native converter reads; every other format is left to qemu-img. */
public enum SourceFormat {
  /** VMDK sparse extent with compressed grains and markers (vSphere export, OVA). */
  VMDK_STREAM_OPTIMIZED("vmdk"),
  /** VMDK hosted sparse extent with its descriptor embedded (AWS export tasks, VMware Workstation). */
  VMDK_MONOLITHIC_SPARSE("vmdk"),
  /** A plain disk image (EBS, GCP). */
  RAW("raw"),
  /** A fixed VHD: the disk's bytes followed by a 512-byte footer (Azure). */
  VHD_FIXED("vpc");

  private final String qemuName;

  SourceFormat(String qemuName) {
    this.qemuName = qemuName;
  }

  /** The name qemu-img uses for this format ({@code -f}). */
  public String qemuName() {
    return qemuName;
  }

  /**
   * Probes a file's first and last bytes. Empty when the file is in a format the native converter does not
   * read (VHDX, dynamic VHD, VDI, qcow2, split or flat VMDK descriptors, ...). Raw is never guessed: a file
   * that is nothing else is only raw if the caller says so.
   */
  public static Optional<SourceFormat> detect(Path file) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
