package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Writes buffers to the output file on a thread of their own, in the order handed over, and hashes them there
 * when a digest is set: the thread that reads and parses the source no longer waits for the output's SHA-256
 * and the write system calls, so the two run on separate cores. At most {@code depth} buffers are in flight;
 * the caller gets back a drained one to fill next.
 */
final class OrderedWrites {
  private final FileChannel ch;
  /** One thread, so the jobs run one at a time in submission order (the digest needs that order). */
  private final ExecutorService thread;
  private final int depth;
  private final int bufferSize;
  private final ArrayDeque<Future<ByteBuffer>> inFlight = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  private MessageDigest digest;

  OrderedWrites(FileChannel ch, ExecutorService thread, int depth, int bufferSize) {
    this.ch = ch;
    this.thread = thread;
    this.depth = depth;
    this.bufferSize = bufferSize;
  }

  /** Hashes every buffer written from now on (set before the first write, or the digest misses bytes). */
  void digest(MessageDigest d) {
    this.digest = d;
  }

  /** The digest, complete once {@link #drain} has returned. */
  MessageDigest digest() {
    return digest;
  }

  /** A buffer to fill, cleared. */
  ByteBuffer buffer() throws IOException, InterruptedException {
    ByteBuffer b = free.poll();
    if (b == null && inFlight.size() >= depth) {
      b = await(inFlight.poll());
    }
    return b == null ? ByteBuffer.allocate(bufferSize) : b.clear();
  }

  /** Writes {@code b} (position to limit, flipped) at file offset {@code at}, after the buffers before it. */
  void write(ByteBuffer b, long at) {
    MessageDigest d = digest;
    inFlight.add(thread.submit(() -> {
      if (d != null) {
        d.update(b.duplicate());
      }
      long to = at;
      while (b.hasRemaining()) {
        to += ch.write(b, to);
      }
      return b;
    }));
  }

  /** Waits until every buffer handed over is written; the first failure is thrown. */
  void drain() throws IOException, InterruptedException {
    while (!inFlight.isEmpty()) {
      free.add(await(inFlight.poll()));
    }
  }

  private static ByteBuffer await(Future<ByteBuffer> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
