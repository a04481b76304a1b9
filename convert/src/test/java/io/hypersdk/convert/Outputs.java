package io.hypersdk.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Looks at what a conversion left on disk. */
final class Outputs {
  private Outputs() {}

  /** Every regular file under {@code dir}, relative to it, sorted; empty when {@code dir} does not exist. */
  static List<String> filesUnder(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 computed here, independently of the code under test, in manifest notation. */
  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(d.digest());
    } catch (Exception e) {
      throw new AssertionError("cannot hash " + file, e);
    }
  }
}
