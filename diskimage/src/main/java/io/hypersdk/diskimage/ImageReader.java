package io.hypersdk.diskimage;

import java.io.IOException;

/** Reads one source format front to back and hands the disk's contents to the qcow2 writer in disk order. */
interface ImageReader {
  /** Reads the image; returns the disk's virtual size in bytes. Trailing bytes are left to the caller. */
  long read(HashingSource src, Qcow2Writer out) throws IOException, InterruptedException;
}
