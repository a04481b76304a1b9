package io.hypersdk.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ovf.HashingCopy;
import io.hypersdk.queue.StreamedDisks;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk sink of a streaming export, and when an export streams at all. */
class StreamingConversionTest {
  @TempDir Path dir;

  @Test
  void aVmdkStreamBecomesAQcow2AndTheKeptSourceIsTheSameBytes() throws Exception {
    Path raw = TestDisks.raw(dir, "disk", 8, 61);
    Path vmdk = TestDisks.vmdkStreamOptimized(raw);
    Path out = dir.resolve("out");
    StreamingConversion sink = StreamingConversion.in(out, true);
    AtomicLong progress = new AtomicLong();
    Path target = out.resolve("vm-disk1.vmdk");

    HashingCopy.Copied c;
    try (InputStream in = Files.newInputStream(vmdk)) {
      c = sink.write(in, Files.size(vmdk), "vmdk", target, new ExportProgress() {
        @Override
        public void advance(long bytes) {
          progress.addAndGet(bytes);
        }
      });
    }
    Path staging = out.resolve(".work/job-1");
    sink.handOver(staging);

    assertThat(c.sha256()).isEqualTo(Sha256.ofFile(vmdk));
    assertThat(c.bytes()).isEqualTo(Files.size(vmdk)).isEqualTo(progress.get());
    assertThat(target).hasSameBinaryContentAs(vmdk);
    StreamedDisks.Entry e = StreamedDisks.read(staging).orElseThrow().forSource(target.toString()).orElseThrow();
    assertThat(e.sourceSha256()).isEqualTo(c.sha256());
    assertThat(e.virtualSize()).isEqualTo(Files.size(raw));
    assertThat(Tools.sameContent(raw, staging.resolve(e.qcow2()))).isTrue();
    assertThat(e.qcow2Sha256()).isEqualTo(Sha256.ofFile(staging.resolve(e.qcow2())));
  }

  @Test
  void aStreamCutShortLeavesNothingBehind() throws Exception {
    Path vmdk = TestDisks.vmdkStreamOptimized(TestDisks.raw(dir, "disk", 8, 62));
    byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(vmdk), (int) (Files.size(vmdk) / 2));
    Path out = dir.resolve("out");
    StreamingConversion sink = StreamingConversion.in(out, true);

    assertThatThrownBy(() -> sink.write(new ByteArrayInputStream(half), Files.size(vmdk), "vmdk",
        out.resolve("vm-disk1.vmdk"), ExportProgress.NONE)).isInstanceOf(IOException.class);
    assertThat(sink.streamedDisks()).isZero();
    assertThat(files(out)).as("no source, no qcow2, no temp file").noneMatch(f -> Files.isRegularFile(f));
    sink.discard();
    assertThat(out.resolve(".work")).doesNotExist();
  }

  @Test
  void otherFormatsAreWrittenAsFilesForTheConverter() throws Exception {
    Path out = dir.resolve("out");
    StreamingConversion sink = StreamingConversion.in(out, false);
    byte[] data = new byte[65536];

    HashingCopy.Copied c = sink.write(new ByteArrayInputStream(data), data.length, "raw", out.resolve("d.raw"),
        ExportProgress.NONE);

    assertThat(Files.size(c.path())).isEqualTo(data.length);
    assertThat(sink.streamedDisks()).isZero();
  }

  /** The bundled converter's command, as hyperexport gives it: a JVM running hyperconvert. */
  static final List<String> BUNDLED = List.of("java", "-cp", "hyperconvert.jar", "HyperConvert");

  @Test
  void onlyDirectModeWithTheBundledConverterStreams() {
    PipelineOptions.Builder direct = PipelineOptions.builder().bundledConverter(BUNDLED);
    ExportRequest export = new ExportRequest("vm", dir, ExportFormat.OVF);
    MigrationRequest base = new MigrationRequest(export, true, direct.build());

    assertThat(MigrationRunner.streams(base)).isTrue();
    assertThat(MigrationRunner.streams(new MigrationRequest(export, true, null))).as("no pipeline").isFalse();
    assertThat(MigrationRunner.streams(new MigrationRequest(export, true, PipelineOptions.builder()
        .bundledConverter(BUNDLED).daemonRequested(true).build()))).as("daemon mode").isFalse();
    assertThat(MigrationRunner.streams(new MigrationRequest(export, true, PipelineOptions.builder()
        .bundledConverter(BUNDLED).dryRun(true).build()))).as("dry run").isFalse();
    assertThat(MigrationRunner.streams(new MigrationRequest(export, true, PipelineOptions.builder()
        .bundledConverter(BUNDLED).hyper2kvmPath(Path.of("/bin/true")).build())))
        .as("another converter").isFalse();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.toList();
    }
  }
}
