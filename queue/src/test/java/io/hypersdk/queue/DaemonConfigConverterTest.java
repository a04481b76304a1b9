package io.hypersdk.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's converter key: native by default, qemu-img on request, anything else refused in one line. */
class DaemonConfigConverterTest {
  @TempDir Path dir;

  DaemonConfig read(String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve("d.yaml"), yaml);
    return DaemonConfig.resolve(DaemonConfig.readFile(f, true), null, null, null, null);
  }

  @Test
  void nativeByDefaultQemuImgOnRequest() throws Exception {
    assertThat(read("# nothing set\n").converter()).isEqualTo(OutputFile.CONVERTER_NATIVE);
    assertThat(read("converter: qemu-img\n").converter()).isEqualTo(OutputFile.CONVERTER_QEMU_IMG);
    assertThat(read("converter: native\n").converter()).isEqualTo(OutputFile.CONVERTER_NATIVE);
  }

  @Test
  void anotherValueIsOneLine() {
    assertThatThrownBy(() -> read("converter: fast\n")).hasMessage("converter must be native or qemu-img, not 'fast'");
  }
}
