package io.hypersdk.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.manifest.ManifestIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads and writes the contract's JSON files (records, results, heartbeats), always atomically. */
public final class QueueFiles {
  private static final ObjectMapper JSON = ManifestIO.jsonMapper();

  private QueueFiles() {}

  public static void writeJson(Path file, Object value) throws IOException {
    AtomicFiles.write(file, (JSON.writeValueAsString(value) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Writes a JSON file only if none has that name yet, atomically; returns false when one does. */
  public static boolean createJson(Path file, Object value) throws IOException {
    return AtomicFiles.writeNew(file, (JSON.writeValueAsString(value) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Reads a JSON file; empty when it is absent, throws when it exists but does not parse. */
  public static <T> Optional<T> readJson(Path file, Class<T> type) throws IOException {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file), type));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  public static Optional<JobRecord> readRecord(QueueLayout layout, String jobId) throws IOException {
    return readJson(layout.jobRecord(jobId), JobRecord.class);
  }

  /** Every heartbeat in the watch dir that parses; unreadable ones are passed over. */
  public static List<Heartbeat> readHeartbeats(Path watchDir) {
    Path dir = QueueLayout.heartbeatDir(watchDir);
    List<Heartbeat> beats = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return beats;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".json") && !name.startsWith(".")) {
          try {
            readJson(f, Heartbeat.class).ifPresent(beats::add);
          } catch (IOException | RuntimeException unreadable) {
            // A heartbeat mid-replacement or from an incompatible version says nothing about liveness.
          }
        }
      }
    } catch (IOException e) {
      return beats;
    }
    return beats;
  }
}
