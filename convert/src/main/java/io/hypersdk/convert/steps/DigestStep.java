package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.io.Sha256;
import io.hypersdk.queue.OutputFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * Flushes a staged image to stable storage and hashes it. The flush comes before any rename so that a crash
 * can never leave a final name pointing at data that was still only in the page cache. A disk the native
 * converter wrote (and nothing changed since) already has its digest from that pass and is not read again.
 */
public final class DigestStep {
  public OutputFile digest(StagedDisk s) throws ConversionException {
    try {
      try (FileChannel ch = FileChannel.open(s.staged(), StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      String sha256 = s.converted() != null ? s.converted().outputSha256() : Sha256.ofFile(s.staged());
      return new OutputFile(OutputFile.ROLE_DISK, s.disk().id(), s.target().toString(), s.format(),
          Files.size(s.staged()), sha256, s.converter());
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "cannot read converted disk " + s.staged() + ": "
          + e.getMessage());
    }
  }
}
