package io.hypersdk.pipeline.steps;

import io.hypersdk.io.Executables;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Direct mode: runs {@code CONVERTER MANIFEST [-v] [--dry-run]}, streams its output live, and takes the
 * converted disks from its {@code Output:} and {@code Wrote:} lines (the hyper2kvm convention).
 */
public final class RunConverterStep {
  private static final int TAIL_LINES = 5;

  /** The converter command chosen, and why: the given path, hyper2kvm on PATH, or the bundled one. */
  public record Converter(List<String> command, String description) {}

  public Converter choose(PipelineOptions o) throws PipelineException {
    if (o.hyper2kvmPath() != null) {
      if (!Files.isExecutable(o.hyper2kvmPath())) {
        throw new PipelineException("--hyper2kvm-path " + o.hyper2kvmPath() + " is not an executable file");
      }
      return new Converter(List.of(o.hyper2kvmPath().toString()), o.hyper2kvmPath().toString());
    }
    Optional<Path> onPath = Executables.onPath("hyper2kvm");
    if (onPath.isPresent()) {
      return new Converter(List.of(onPath.get().toString()), onPath.get() + " (hyper2kvm on PATH)");
    }
    if (o.bundledConverter().isEmpty()) {
      throw new PipelineException("no converter: hyper2kvm is not on PATH; give --hyper2kvm-path");
    }
    return new Converter(o.bundledConverter(), "bundled hyperconvert");
  }

  public ConversionOutcome run(Converter converter, Path manifest, PipelineOptions o, PipelineEvents events)
      throws PipelineException, InterruptedException {
    List<String> cmd = new ArrayList<>(converter.command());
    cmd.add(manifest.toString());
    if (o.verbose()) {
      cmd.add("-v");
    }
    if (o.dryRun()) {
      cmd.add("--dry-run");
    }
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new PipelineException("cannot run the converter " + converter.description() + ": " + e.getMessage());
    }
    List<String> outputs = new ArrayList<>();
    String[] domain = {null};
    Deque<String> tail = new ArrayDeque<>();
    IOException[] lost = {null};
    // The output is read on its own thread so that this one waits in waitFor(), which an interrupt (Ctrl-C,
    // SIGTERM) ends at once; blocked in a read of the pipe it would wait for the converter to end by itself.
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          events.converterOutput(line);
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
          String t = line.strip();
          if (t.startsWith("Output:") || t.startsWith("Wrote:")) {
            outputs.add(t.substring(t.indexOf(':') + 1).strip());
          } else if (t.startsWith("Domain:")) {
            domain[0] = t.substring("Domain:".length()).strip();
          }
        }
      } catch (IOException e) {
        lost[0] = e;
      }
    }, "converter-output");
    reader.setDaemon(true);
    reader.start();
    try {
      int code = p.waitFor();
      reader.join();
      if (lost[0] != null) {
        throw new PipelineException("lost the converter's output: " + lost[0].getMessage());
      }
      if (code != 0) {
        return ConversionOutcome.failed("the converter " + converter.description() + " exited " + code + ": "
            + String.join(" | ", tail), JobOutcome.FAILED);
      }
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      throw e;
    }
    if (!o.dryRun() && outputs.isEmpty()) {
      return ConversionOutcome.failed("the converter " + converter.description()
          + " succeeded but printed no 'Output:' line, so the converted disk is unknown", JobOutcome.FAILED);
    }
    return new ConversionOutcome(true, outputs, domain[0], null,
        o.dryRun() ? JobOutcome.DRY_RUN : JobOutcome.COMPLETED, null);
  }
}
