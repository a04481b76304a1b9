package io.hypersdk.pipeline.steps;

import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.QueueFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Direct mode's way to the converter's own result: the bundled converter writes {@code VM.result.json} beside
 * the domain {@code VM.xml} it names on its {@code Domain:} line. Another converter writes none, and a file
 * left by an earlier run of the same VM belongs to another job, so both give null.
 */
public final class ConverterResultFile {
  private ConverterResultFile() {}

  /** The result of job {@code jobId} beside {@code domainXml}, or null when there is none for that job. */
  public static ConversionResult read(String domainXml, String jobId) {
    if (domainXml == null || !domainXml.endsWith(".xml")) {
      return null;
    }
    Path xml = Path.of(domainXml);
    String stem = xml.getFileName().toString();
    Path file = xml.resolveSibling(stem.substring(0, stem.length() - ".xml".length()) + ".result.json");
    try {
      return QueueFiles.readJson(file, ConversionResult.class)
          .filter(r -> jobId != null && jobId.equals(r.jobId())).orElse(null);
    } catch (IOException | RuntimeException unreadable) {
      // The conversion itself succeeded; its details are only missing from the summary.
      return null;
    }
  }
}
