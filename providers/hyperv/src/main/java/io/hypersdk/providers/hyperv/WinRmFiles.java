package io.hypersdk.providers.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.RetryableReadException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The host's disk files over WinRM, for {@link HostFileCopy}: each range is one run of the fixed read script
 * (path, offset and length as data), whose base64 lines arrive through as many Receives as MaxEnvelopeSize needs.
 * Parallel reads run in shells of their own.
 */
final class WinRmFiles implements HostFiles {
  /** 4 MiB: one PowerShell start per range stays small beside the transfer, and a range's text fits in memory. */
  static final int RANGE = 4 << 20;
  private static final Duration STAT = Duration.ofMinutes(2);
  private static final Duration READ = Duration.ofMinutes(10);
  private final PowerShell ps;

  WinRmFiles(PowerShell ps) {
    this.ps = ps;
  }

  @Override
  public List<Stat> stat(List<String> paths) throws ProviderException {
    List<Stat> stats = new ArrayList<>();
    for (String path : paths) {
      JsonNode n;
      try {
        n = ps.run(PowerShell.Script.STAT, Map.of("path", path), STAT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderException(Kind.EXPORT_FAILED, "interrupted");
      }
      stats.add(new Stat(n.path("Length").asLong(), n.path("LastWriteTimeUtc").asText()));
    }
    return stats;
  }

  @Override
  public Reader reader(String path) {
    return new Reader() {
      @Override
      public Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException,
          InterruptedException {
        if (earlier.intact()) {
          return Chunk.unchanged();
        }
        String text;
        try {
          text = ps.text(PowerShell.Script.READ, Map.of("path", path, "offset", range.offset(), "length",
              range.length()), READ);
        } catch (ProviderException e) {
          // A dropped connection or a timeout may pass; a refusal or a missing file stays.
          if (e.kind() == Kind.NETWORK) {
            throw new RetryableReadException(e);
          }
          throw e;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) range.length());
        try {
          for (String line : text.split("\n")) {
            data.writeBytes(Base64.getDecoder().decode(line.strip()));
          }
        } catch (IllegalArgumentException e) {
          throw new ProviderException(Kind.EXPORT_FAILED, "PowerShell on " + ps.hostName() + " answered something "
              + "other than base64 for bytes " + range.offset() + "-" + (range.end() - 1) + " of " + path);
        }
        if (data.size() != range.length()) {
          throw new RetryableReadException(new ProviderException(Kind.EXPORT_FAILED, "got " + data.size() + " of "
              + range.length() + " bytes at " + range.offset() + " of " + path));
        }
        return new Chunk(data.toByteArray(), null);
      }

      @Override
      public void close() {
        // The shells belong to the host connection, which outlives the copy.
      }
    };
  }

  @Override
  public int rangeSize() {
    return RANGE;
  }

  @Override
  public String journalName() {
    return "winrm-ranges";
  }
}
