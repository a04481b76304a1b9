package io.hypersdk.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFilesTest {
  @TempDir Path dir;

  private static ConversionResult result() {
    Map<String, Long> timings = new LinkedHashMap<>();
    timings.put("convert", 120L);
    timings.put("total", 150L);
    return new ConversionResult(ConversionResult.COMPLETED, "job-1", "web01", "web01.json",
        List.of(new OutputFile(OutputFile.ROLE_DISK, "disk0", "/out/web01.qcow2", "qcow2", 1024,
                "sha256:" + "a".repeat(64)),
            new OutputFile(OutputFile.ROLE_DISK, "disk1", "/out/web01-disk1.qcow2", "qcow2", 2048,
                "sha256:" + "b".repeat(64)),
            new OutputFile(OutputFile.ROLE_DOMAIN, null, "/out/web01.xml", "libvirt-xml", 10, null)),
        "/out/web01.xml", List.of(StageReport.done("convert", "2 disk(s)"), StageReport.skipped("fix", "off")),
        List.of("a warning"), timings, null);
  }

  @Test
  void aJobRecordRoundTripsWithSnakeCaseKeysAndLowercaseState() throws Exception {
    QueueLayout layout = new QueueLayout(dir.resolve("q"), dir.resolve("out"));
    JobRecord record = new JobRecord("job-1", JobState.COMPLETED, "web01", "web01.job-1.json", "host-a",
        "2026-01-31T12:00:00Z", result(), null);

    QueueFiles.writeJson(layout.jobRecord("job-1"), record);

    String text = Files.readString(layout.jobRecord("job-1"));
    assertThat(text).contains("\"state\" : \"completed\"", "\"job_id\" : \"job-1\"", "\"timings_ms\"",
        "\"domain_xml\"", "\"disk_id\" : \"disk0\"").doesNotContain("\"error\"");
    assertThat(QueueFiles.readRecord(layout, "job-1")).contains(record);
    try (Stream<Path> files = Files.list(layout.jobRecordsDir())) {
      assertThat(files).containsExactly(layout.jobRecord("job-1"));
    }
  }

  @Test
  void resultsListTheirDisksBootDiskFirst() {
    assertThat(result().disks()).extracting(OutputFile::diskId).containsExactly("disk0", "disk1");
    assertThat(result().succeeded()).isTrue();
  }

  @Test
  void anAbsentFileIsEmptyAndABrokenOneThrows() throws Exception {
    assertThat(QueueFiles.readJson(dir.resolve("absent.json"), JobRecord.class)).isEmpty();
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"job_id\": ");
    assertThatThrownBy(() -> QueueFiles.readJson(broken, JobRecord.class)).isInstanceOf(IOException.class);
  }

  @Test
  void heartbeatsThatDoNotParseArePassedOver() throws Exception {
    Path watch = dir.resolve("q");
    Heartbeat beat = new Heartbeat("host-a", "a", "host", 42, "0.1.0", Heartbeat.RUNNING, "2026-01-31T11:00:00Z",
        "2026-01-31T12:00:00Z", 5, watch.toString(), "/out", 2, new QueueCounts(1, 0, 0, 0), List.of());
    QueueFiles.writeJson(watch.resolve(".heartbeat/host-a.json"), beat);
    Files.writeString(watch.resolve(".heartbeat/host-b.json"), "{half");
    Files.writeString(watch.resolve(".heartbeat/.host-c.json.123.tmp"), "{}");

    assertThat(QueueFiles.readHeartbeats(watch)).containsExactly(beat);
    assertThat(QueueFiles.readHeartbeats(dir.resolve("nowhere"))).isEmpty();
  }

  @Test
  void queueCountsCountOnlyManifests() throws Exception {
    QueueLayout layout = new QueueLayout(dir.resolve("q"), dir.resolve("out"));
    Files.createDirectories(layout.processingDir("host-a"));
    Files.createDirectories(layout.processedDir());
    Files.writeString(layout.watchDir().resolve("a.json"), "{}");
    Files.writeString(layout.watchDir().resolve("b.yaml"), "x: 1");
    Files.writeString(layout.watchDir().resolve("c.json.part"), "{");
    Files.writeString(layout.watchDir().resolve(".d.json"), "{}");
    Files.writeString(layout.processingDir("host-a").resolve("e.json"), "{}");
    Files.writeString(layout.processedDir().resolve("f.json"), "{}");
    Files.writeString(layout.processedDir().resolve("f.result.txt"), "");

    assertThat(QueueCounts.of(layout)).isEqualTo(new QueueCounts(2, 1, 1, 0));
  }
}
