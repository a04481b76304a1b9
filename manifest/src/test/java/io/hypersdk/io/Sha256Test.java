package io.hypersdk.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
  @Test
  void hashesFilesInManifestNotation(@TempDir Path dir) throws Exception {
    Path abc = Files.writeString(dir.resolve("abc"), "abc", StandardCharsets.US_ASCII);
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);

    assertThat(Sha256.ofFile(abc))
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.ofFile(empty))
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void hashesFilesLargerThanItsBuffer(@TempDir Path dir) throws Exception {
    byte[] data = new byte[(3 << 20) + 17];
    new java.util.Random(1).nextBytes(data);
    Path f = Files.write(dir.resolve("big"), data);
    String expected = "sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(Sha256.ofFile(f)).isEqualTo(expected);
  }
}
