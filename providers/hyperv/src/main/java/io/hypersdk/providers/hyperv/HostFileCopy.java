package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeChecksum;
import io.hypersdk.providers.download.RangeJournal;
import io.hypersdk.providers.download.RangedDownload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Copies a VM's disk files from the host into the output folder with the shared {@link RangedDownload}, whatever
 * the transport ({@link HostFiles}): ranges read in parallel, retried with backoff, written in order with the
 * SHA-256 computed as they land; zero ranges stay holes. An interrupted copy resumes from the ranges on disk when
 * the file on the host still has the same size and modification time.
 */
final class HostFileCopy {
  private final HostFiles files;
  private final int parallel;
  private final ExportProgress progress;

  HostFileCopy(HostFiles files, int parallel, ExportProgress progress) {
    this.files = files;
    this.parallel = parallel;
    this.progress = progress;
  }

  /** {@code sources} are the host files of {@code vm}'s disks, in its disk order (merged files for chains). */
  List<ExportedDisk> copy(HostVm vm, List<String> sources, Path out) throws ProviderException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, files.journalName());
      t.setDaemon(true);
      return t;
    });
    List<ExportedDisk> done = new ArrayList<>();
    try {
      List<HostFiles.Stat> stats = files.stat(sources);
      progress.start(stats.stream().mapToLong(HostFiles.Stat::size).sum());
      for (int i = 0; i < sources.size(); i++) {
        HostVm.Disk d = vm.disks().get(i);
        String format = d.chain().get(d.chain().size() - 1).format().toLowerCase(Locale.ROOT);
        String ext = format.equals("vhd") ? "vhd" : "vhdx";
        HostFiles.Stat a = stats.get(i);
        String source = sources.get(i);
        try (HostFiles.Reader reader = files.reader(source)) {
          Downloaded w = RangedDownload.builder(pool, reader, a.size()).ranges(ranges(a.size()))
              .parallel(parallel).progress(progress).journal(files.journalName(), files.rangeSize())
              // The host sends no checksum; the journal's only has to catch local damage on a resume.
              .checksum(RangeChecksum.CRC32C_BASE64, "the host")
              .source("size " + a.size() + " modified " + a.modified()).skipZeroRanges(true)
              .describe(r -> "bytes " + r.offset() + "-" + (r.end() - 1) + " of " + source)
              .build().to(out.resolve("disk" + i + "." + ext));
          done.add(new ExportedDisk("disk" + i, w.path().toString(), ext, w.bytes(), w.sha256(), i, d.position()));
        }
      }
      for (ExportedDisk e : done) {
        // Every disk is complete: nothing is left to resume.
        Files.deleteIfExists(RangeJournal.fileOf(Path.of(e.path())));
      }
      return done;
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot remove a range journal in " + out + ": "
          + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private List<DiskRange> ranges(long size) {
    List<DiskRange> r = new ArrayList<>();
    for (long off = 0; off < size; off += files.rangeSize()) {
      r.add(new DiskRange(off, Math.min(files.rangeSize(), size - off)));
    }
    return r;
  }
}
