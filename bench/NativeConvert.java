import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The native converter's side of bench/convert-throughput.sh: converts each streamOptimized VMDK given (pairs of
 * SOURCE TARGET) to qcow2, one after the other like the sequential qemu-img baseline, and prints
 * {@code native-ns <ns>}: the time of the conversions alone, without the JVM's start-up.
 */
public final class NativeConvert {
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: NativeConvert SOURCE.vmdk TARGET.qcow2 [SOURCE TARGET]...");
    }
    NativeConverter converter = NativeConverter.defaults();
    long t0 = System.nanoTime();
    for (int i = 0; i < args.length; i += 2) {
      converter.convert(Path.of(args[i]), SourceFormat.VMDK_STREAM_OPTIMIZED, Path.of(args[i + 1]));
    }
    System.out.printf(Locale.ROOT, "native-ns %d%n", System.nanoTime() - t0);
  }
}
