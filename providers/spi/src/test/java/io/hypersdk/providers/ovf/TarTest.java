package io.hypersdk.providers.ovf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TarTest {

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] archive(String[] names, byte[][] contents) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Tar.Writer w = new Tar.Writer(out)) {
      for (int i = 0; i < names.length; i++) {
        w.beginEntry(names[i], contents[i].length, 1_700_000_000L);
        out.write(contents[i]);
        w.endEntry(contents[i].length);
      }
    }
    return out.toByteArray();
  }

  @Test
  void entriesComeBackInOrderWithTheirContent() throws Exception {
    String[] names = {"vm.ovf", "vm-disk1.vmdk", "empty", "vm.mf"};
    byte[][] contents = {bytes(700, 1), bytes(1024, 2), new byte[0], bytes(1, 3)};
    byte[] tar = archive(names, contents);
    assertThat(tar.length % 512).isZero();

    Tar.Reader r = new Tar.Reader(new ByteArrayInputStream(tar));
    for (int i = 0; i < names.length; i++) {
      Tar.Entry e = r.next();
      assertThat(e.name()).isEqualTo(names[i]);
      assertThat(e.size()).isEqualTo(contents[i].length);
      assertThat(e.isFile()).isTrue();
      assertThat(r.content().readAllBytes()).isEqualTo(contents[i]);
    }
    assertThat(r.next()).isNull();
  }

  @Test
  void entriesNotReadAreSkipped() throws Exception {
    byte[] tar = archive(new String[] {"a.vmdk", "b.ovf"}, new byte[][] {bytes(5000, 4), bytes(10, 5)});
    Tar.Reader r = new Tar.Reader(new ByteArrayInputStream(tar));
    assertThat(r.next().name()).isEqualTo("a.vmdk");
    Tar.Entry b = r.next();
    assertThat(b.name()).isEqualTo("b.ovf");
    assertThat(r.content().readAllBytes()).isEqualTo(bytes(10, 5));
  }

  @Test
  void somethingElseIsNotATarArchive() {
    byte[] junk = bytes(2048, 6);
    assertThatThrownBy(() -> new Tar.Reader(new ByteArrayInputStream(junk)).next()).isInstanceOf(IOException.class)
        .hasMessageContaining("not a tar archive");
  }

  @Test
  void aTruncatedArchiveSaysSo() throws Exception {
    byte[] tar = archive(new String[] {"a.vmdk", "b.vmdk"}, new byte[][] {bytes(4096, 7), bytes(10, 8)});
    byte[] cut = java.util.Arrays.copyOf(tar, 1024);
    Tar.Reader r = new Tar.Reader(new ByteArrayInputStream(cut));
    r.next();
    assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("truncated");
  }

  @Test
  void namesLongerThanTheHeaderAreRefused() {
    assertThatThrownBy(() -> new Tar.Writer(new ByteArrayOutputStream()).beginEntry("x".repeat(101), 0, 0))
        .isInstanceOf(IOException.class).hasMessageContaining("too long");
  }
}
