package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.GuestChange;
import io.hypersdk.queue.QueueFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct mode finds the converter's result beside the domain XML, and only the one of its own job. */
class ConverterResultFileTest {
  @TempDir
  Path dir;

  @Test
  void theResultOfThisJobBesideTheDomainIsRead() throws Exception {
    ConversionResult written = new ConversionResult(ConversionResult.COMPLETED, "web01-1", "web01", "m.json",
        List.of(), dir.resolve("web01.xml").toString(), List.of(), List.of("boot check failed (warn)"), null, null,
        List.of(new GuestChange("/etc/fstab", "/dev/sda1 -> UUID=1234")),
        new BootCheckReport(BootCheckReport.PASSED, "login prompt", 42.0, "tcg", List.of("web01 login:")));
    QueueFiles.writeJson(dir.resolve("web01.result.json"), written);

    ConversionResult read = ConverterResultFile.read(dir.resolve("web01.xml").toString(), "web01-1");

    assertThat(read).isNotNull();
    assertThat(read.changes()).containsExactly(new GuestChange("/etc/fstab", "/dev/sda1 -> UUID=1234"));
    assertThat(read.bootCheck().status()).isEqualTo(BootCheckReport.PASSED);
    assertThat(read.warnings()).containsExactly("boot check failed (warn)");
  }

  @Test
  void anotherJobsResultOrNoneIsNull() throws Exception {
    QueueFiles.writeJson(dir.resolve("web01.result.json"), new ConversionResult(ConversionResult.COMPLETED,
        "web01-0", "web01", "m.json", List.of(), null, List.of(), List.of(), null, null));

    assertThat(ConverterResultFile.read(dir.resolve("web01.xml").toString(), "web01-1"))
        .as("an earlier run's file").isNull();
    assertThat(ConverterResultFile.read(dir.resolve("db01.xml").toString(), "web01-1")).as("no file").isNull();
    assertThat(ConverterResultFile.read(null, "web01-1")).as("no domain").isNull();
  }
}
