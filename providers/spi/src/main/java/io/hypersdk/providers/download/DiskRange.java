package io.hypersdk.providers.download;

/** {@code length} bytes of a disk starting at {@code offset}: the unit a {@link RangeReader} reads. */
public record DiskRange(long offset, long length) {
  public DiskRange {
    if (offset < 0 || length <= 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad range offset " + offset + " length " + length);
    }
  }

  /** The first byte after the range. */
  public long end() {
    return offset + length;
  }
}
