package io.hypersdk.apps.hyperconvert.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.TestDisks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One queue in a test's temp folder: watch and output dirs, source disks, daemon configs and logs, plus the
 * look-ups the tests make in the queue contract's folders.
 */
final class TestQueue {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path root;
  final Path watchDir;
  final Path outputDir;
  final Path disks;
  final Path logs;
  final QueueLayout layout;
  private final AtomicInteger started = new AtomicInteger();

  TestQueue(Path root) {
    this.root = root;
    this.watchDir = root.resolve("queue");
    this.outputDir = root.resolve("output");
    this.disks = root.resolve("disks");
    this.logs = root.resolve("logs");
    this.layout = new QueueLayout(watchDir, outputDir);
    try {
      Files.createDirectories(disks);
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings every test daemon gets unless the test says otherwise: short intervals, one conversion at once. */
  Map<String, Object> defaults() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("watch_dir", watchDir.toString());
    s.put("output_dir", outputDir.toString());
    s.put("max_concurrent", 1);
    s.put("heartbeat_seconds", 1);
    s.put("rescan_seconds", 1);
    s.put("stop_timeout_seconds", 30);
    return s;
  }

  /** Writes a YAML config: the defaults, overridden by {@code settings}. */
  Path config(String name, Map<String, Object> settings) {
    Map<String, Object> all = defaults();
    all.putAll(settings);
    return writeYaml(root.resolve(name + ".yaml"), all);
  }

  static Path writeYaml(Path file, Map<String, Object> settings) {
    StringBuilder yaml = new StringBuilder("# written by the test\n");
    settings.forEach((k, v) -> {
      try {
        yaml.append(k).append(": ").append(v instanceof String s ? JSON.writeValueAsString(s) : v).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Starts a daemon on this queue with the default settings overridden by {@code settings}. */
  QueueDaemon start(String instance, Map<String, Object> settings, String... extraArgs) {
    int n = started.incrementAndGet();
    Path cfg = config(instance + "-" + n, settings);
    return QueueDaemon.start(cfg, instance, layout, logs, extraArgs);
  }

  QueueDaemon start(String instance) {
    return start(instance, Map.of());
  }

  /** A sparse raw disk with pseudo-random data in every fourth MiB (see {@link TestDisks#raw}). */
  Path disk(String name, int sizeMiB, long seed) {
    try {
      return TestDisks.raw(disks, name, sizeMiB, seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A large, mostly empty raw disk: {@code sizeMiB} long with 1 MiB of data every 256 MiB. Cheap to make and
   * to convert, but every byte of it must be read to check its checksum.
   */
  Path sparseDisk(String name, int sizeMiB, long seed) {
    Path file = disks.resolve(name + ".raw");
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) sizeMiB << 20);
      for (int mib = 0; mib < sizeMiB; mib += 256) {
        random.nextBytes(block);
        f.seek((long) mib << 20);
        f.write(block);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A valid manifest: the first disk is the boot disk "disk0", the others are data disks "data1", "data2"... */
  static ArtifactManifest manifest(String vmName, String jobId, Path... rawDisks) {
    return manifest(vmName, jobId, true, rawDisks);
  }

  /**
   * The same without checksums (they are optional): nothing to hash, neither here nor in the daemon. The
   * same file may back several entries, to make long jobs from one file; it is hashed once.
   */
  static ArtifactManifest manifest(String vmName, String jobId, boolean checksums, Path... rawDisks) {
    List<Disk> list = new ArrayList<>();
    Map<Path, String> hashed = new java.util.HashMap<>();
    try {
      for (int i = 0; i < rawDisks.length; i++) {
        String checksum = null;
        if (checksums) {
          checksum = hashed.get(rawDisks[i]);
          if (checksum == null) {
            checksum = io.hypersdk.io.Sha256.ofFile(rawDisks[i]);
            hashed.put(rawDisks[i], checksum);
          }
        }
        list.add(Disk.builder().id(i == 0 ? "disk0" : "data" + i).sourceFormat("raw")
            .bytes(Files.size(rawDisks[i])).localPath(rawDisks[i].toAbsolutePath().toString()).checksum(checksum)
            .bootOrderHint(i).diskType(i == 0 ? "boot" : "data").build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return TestDisks.manifest(vmName, jobId, list);
  }

  Path submit(ArtifactManifest manifest, String name) {
    return QueueDaemon.submit(watchDir, manifest, name);
  }

  Optional<JobRecord> record(String jobId) {
    try {
      return QueueFiles.readRecord(layout, jobId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the job's record is in {@code state}; a timeout fails with the daemons' logs. */
  JobRecord awaitRecord(String jobId, JobState state, QueueDaemon... daemons) {
    return awaitRecord(jobId, state, QueueDaemon.TIMEOUT, daemons);
  }

  JobRecord awaitRecord(String jobId, JobState state, Duration timeout, QueueDaemon... daemons) {
    QueueDaemon.await("record of job " + jobId + " says " + state.value(), timeout,
        () -> record(jobId).filter(r -> r.state() == state).isPresent(), daemons);
    JobRecord r = record(jobId).orElseThrow();
    if (state.isFinal()) {
      // The daemon writes a final record before it files the manifest (a crash between must not lose the
      // record), so wait for the filing too before a test looks at the queue's folders.
      QueueDaemon.await("manifest of job " + jobId + " filed", timeout,
          () -> processing().stream().noneMatch(n -> n.endsWith("/" + r.manifest())), daemons);
    }
    return r;
  }

  /** Every job record in output/.jobs. */
  List<JobRecord> records() {
    List<JobRecord> out = new ArrayList<>();
    for (Path p : files(layout.jobRecordsDir())) {
      if (p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")) {
        try {
          QueueFiles.readJson(p, JobRecord.class).ifPresent(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  /** Names of the regular files directly in {@code dir}, sorted; none when it does not exist. */
  static List<String> names(Path dir) {
    return files(dir).stream().map(p -> p.getFileName().toString()).sorted().toList();
  }

  static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files at the top level of the watch dir that are not hidden: what waits to be taken. */
  List<String> pending() {
    return names(watchDir).stream().filter(n -> !n.startsWith(".")).toList();
  }

  /** Manifests claimed by any daemon (the owners' lock files aside). */
  List<String> processing() {
    List<String> out = new ArrayList<>();
    if (Files.isDirectory(layout.processingRoot())) {
      try (Stream<Path> owners = Files.list(layout.processingRoot())) {
        for (Path owner : owners.filter(Files::isDirectory).toList()) {
          names(owner).stream().filter(n -> !n.equals(".lock")).forEach(n -> out.add(owner.getFileName() + "/" + n));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  List<String> processed() {
    return names(layout.processedDir());
  }

  List<String> failed() {
    return names(layout.failedDir());
  }

  OutputFiles outputs(String vmStem) {
    return layout.outputsFor(vmStem);
  }

  /** Everything left under the daemon's work folder (output/.work). */
  List<Path> staging() {
    Path work = outputDir.resolve(".work");
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(work)) {
      return s.filter(p -> !p.equals(work)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path stagingDir(String jobId) {
    return outputDir.resolve(".work").resolve(jobId);
  }

  /** The output files (not folders) whose names start with {@code prefix}. */
  List<String> outputsStartingWith(String prefix) {
    return names(outputDir).stream().filter(n -> n.startsWith(prefix)).toList();
  }

  /** How many "job ID: converting" lines the logs hold for each job id. */
  static Map<String, Integer> convertingLines(String... logs) {
    Pattern p = Pattern.compile("job (\\S+): converting ");
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String log : logs) {
      Matcher m = p.matcher(log);
      while (m.find()) {
        counts.merge(m.group(1), 1, Integer::sum);
      }
    }
    return counts;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
