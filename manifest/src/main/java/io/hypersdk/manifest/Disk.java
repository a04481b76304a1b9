package io.hypersdk.manifest;

/** One exported disk. A boot order hint of 0 is the boot disk and must survive every write. */
public record Disk(
    String id,
    String sourceFormat,
    Long bytes,
    String localPath,
    String checksum,
    Integer bootOrderHint,
    String label,
    String diskType) {

  /** The hint used when the manifest gives none. */
  public static final int DEFAULT_BOOT_ORDER_HINT = 999;

  public int effectiveBootOrderHint() {
    return bootOrderHint == null ? DEFAULT_BOOT_ORDER_HINT : bootOrderHint;
  }

  public DiskFormat format() {
    return DiskFormat.parse(sourceFormat);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link Disk}. */
  public static final class Builder {
    private String id;
    private String sourceFormat;
    private Long bytes;
    private String localPath;
    private String checksum;
    private Integer bootOrderHint;
    private String label;
    private String diskType;

    private Builder() {}

    public Builder id(String v) { this.id = v; return this; }
    public Builder sourceFormat(String v) { this.sourceFormat = v; return this; }
    public Builder bytes(long v) { this.bytes = v; return this; }
    public Builder localPath(String v) { this.localPath = v; return this; }
    public Builder checksum(String v) { this.checksum = v; return this; }
    public Builder bootOrderHint(int v) { this.bootOrderHint = v; return this; }
    public Builder label(String v) { this.label = v; return this; }
    public Builder diskType(String v) { this.diskType = v; return this; }

    public Disk build() {
      return new Disk(id, sourceFormat, bytes, localPath, checksum, bootOrderHint, label, diskType);
    }
  }
}
