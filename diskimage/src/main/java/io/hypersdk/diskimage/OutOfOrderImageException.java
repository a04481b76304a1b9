package io.hypersdk.diskimage;

/**
 * An image whose tables or grains are not stored in the order one pass needs: valid for its format, as far as
 * the pass got, but only a reader that seeks (qemu-img) can convert it.
 */
public final class OutOfOrderImageException extends MalformedImageException {
  private static final long serialVersionUID = 1L;

  public OutOfOrderImageException(SourceFormat format, long offset, String problem) {
    super(format.description() + " at byte " + offset + ": " + problem, offset, problem);
  }
}
