import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The native converter's side of bench/convert-throughput.sh: converts each streamOptimized VMDK given (pairs of
 * SOURCE TARGET) to qcow2, one after the other like the sequential qemu-img baseline, and prints
 * {@code native-ns <ns>}, the time of the conversions alone without the JVM's start-up, and
 * {@code native-read <bytes>}, what this process read from storage meanwhile. With BENCH_DROP_CACHES=1 (root)
 * it drops the page cache once the JVM is up, so the JVM's own start-up reads do not count.
 */
public final class NativeConvert {
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: NativeConvert SOURCE.vmdk TARGET.qcow2 [SOURCE TARGET]...");
    }
    NativeConverter converter = NativeConverter.defaults();
    if ("1".equals(System.getenv("BENCH_DROP_CACHES"))) {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }
    long read0 = readBytes();
    long t0 = System.nanoTime();
    for (int i = 0; i < args.length; i += 2) {
      converter.convert(Path.of(args[i]), SourceFormat.VMDK_STREAM_OPTIMIZED, Path.of(args[i + 1]));
    }
    long ns = System.nanoTime() - t0;
    System.out.printf(Locale.ROOT, "native-ns %d%nnative-read %d%n", ns, readBytes() - read0);
  }

  /** Bytes this process has read from storage (proc(5), /proc/PID/io). */
  static long readBytes() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("read_bytes:")) {
        return Long.parseLong(line.substring("read_bytes:".length()).strip());
      }
    }
    throw new IllegalStateException("/proc/self/io has no read_bytes");
  }
}
