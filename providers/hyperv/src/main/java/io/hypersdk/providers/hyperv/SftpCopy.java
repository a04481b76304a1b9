package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeJournal;
import io.hypersdk.providers.download.RangeReader;
import io.hypersdk.providers.download.RangedDownload;
import io.hypersdk.providers.download.RetryableReadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Copies a VM's disk files from the host over SFTP into the output folder with the shared {@link RangedDownload}:
 * 8 MiB ranges read in parallel, each worker on its own SSH session with pipelined SFTP reads, retried with backoff, written
 * in order with the SHA-256 computed as they land; zero ranges stay holes. An interrupted copy resumes from the
 * ranges on disk when the file on the host still has the same size and modification time.
 */
final class SftpCopy {
  static final int RANGE = 8 << 20;
  /** Bytes asked for per SFTP read request; several are in flight per channel. */
  private static final int READ_AHEAD = 1 << 20;
  private final SshHost host;
  private final int parallel;
  private final ExportProgress progress;

  SftpCopy(SshHost host, int parallel, ExportProgress progress) {
    this.host = host;
    this.parallel = parallel;
    this.progress = progress;
  }

  /** Windows OpenSSH's SFTP names C:\VMs\a.vhdx as /C:/VMs/a.vhdx. */
  static String sftpPath(String windowsPath) {
    String p = windowsPath.replace('\\', '/');
    return p.startsWith("/") ? p : "/" + p;
  }

  /** {@code sources} are the host files of {@code vm}'s disks, in its disk order (merged files for chains). */
  List<ExportedDisk> copy(HostVm vm, List<String> sources, Path out) throws ProviderException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "sftp-range");
      t.setDaemon(true);
      return t;
    });
    List<ExportedDisk> done = new ArrayList<>();
    try {
      List<SftpClient.Attributes> stats = new ArrayList<>();
      try (SftpClient sftp = host.sftp()) {
        for (String s : sources) {
          stats.add(stat(sftp, s));
        }
      } catch (IOException e) {
        throw failure("SFTP to " + host.config().host() + " failed", e);
      }
      progress.start(stats.stream().mapToLong(SftpClient.Attributes::getSize).sum());
      for (int i = 0; i < sources.size(); i++) {
        HostVm.Disk d = vm.disks().get(i);
        String format = d.chain().get(d.chain().size() - 1).format().toLowerCase(Locale.ROOT);
        String ext = format.equals("vhd") ? "vhd" : "vhdx";
        SftpClient.Attributes a = stats.get(i);
        String source = sources.get(i);
        try (Channels channels = new Channels(sftpPath(sources.get(i)))) {
          Downloaded w = RangedDownload.builder(pool, channels, a.getSize()).ranges(ranges(a.getSize()))
              .parallel(parallel).progress(progress).journal("sftp-ranges", RANGE)
              .source("size " + a.getSize() + " modified " + a.getModifyTime()).skipZeroRanges(true)
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

  private static List<DiskRange> ranges(long size) {
    List<DiskRange> r = new ArrayList<>();
    for (long off = 0; off < size; off += RANGE) {
      r.add(new DiskRange(off, Math.min(RANGE, size - off)));
    }
    return r;
  }

  /** The SFTP channels reading one file, one per download thread, each with the file open. */
  private final class Channels implements RangeReader, AutoCloseable {
    private final String path;
    private final ConcurrentLinkedDeque<Channel> idle = new ConcurrentLinkedDeque<>();

    private record Channel(SshHost.OwnSftp sftp, SftpClient.CloseableHandle handle) {
      void close() {
        sftp.close();
      }
    }

    Channels(String path) {
      this.path = path;
    }

    @Override
    public Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException {
      if (earlier.intact()) {
        return Chunk.unchanged();
      }
      Channel c = idle.poll();
      try {
        if (c == null) {
          SshHost.OwnSftp own = host.sftpOnOwnSession();
          try {
            c = new Channel(own, own.client().open(path, SftpClient.OpenMode.Read));
          } catch (IOException e) {
            own.close();
            throw e;
          }
        }
        byte[] data = new byte[(int) range.length()];
        try (InputStream in = new SftpInputStreamAsync((AbstractSftpClient) c.sftp().client(), READ_AHEAD, range.offset(),
            range.length(), path, c.handle(), false)) {
          int n = in.readNBytes(data, 0, data.length);
          if (n != data.length) {
            throw new IOException("got " + n + " of " + data.length + " bytes: the file shrank");
          }
        }
        idle.push(c);
        return new Chunk(data, null);
      } catch (IOException e) {
        if (c != null) {
          c.close();
        }
        ProviderException p = failure("cannot read " + path + " over SFTP", e);
        // A refused or vanished file stays so; a dropped connection or a failed read on the host may not.
        if (p.kind() == Kind.PERMISSION || (e instanceof SftpException x
            && x.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE)) {
          throw p;
        }
        throw new RetryableReadException(p);
      }
    }

    @Override
    public void close() {
      for (Channel c; (c = idle.poll()) != null; ) {
        c.close();
      }
    }
  }

  private SftpClient.Attributes stat(SftpClient sftp, String file) throws ProviderException {
    try {
      return sftp.stat(sftpPath(file));
    } catch (IOException e) {
      throw failure("cannot read " + file + " over SFTP", e);
    }
  }

  private ProviderException failure(String what, IOException e) {
    if (e instanceof SftpException s && s.getStatus() == SftpConstants.SSH_FX_PERMISSION_DENIED) {
      return new ProviderException(Kind.PERMISSION, what + ": permission denied: " + host.config().username()
          + " needs read access to the VM's disk folder on the host (docs/CONFIGURATION.md)", e);
    }
    if (e instanceof SftpException) {
      return new ProviderException(Kind.EXPORT_FAILED, what + ": " + SshHost.firstLine(e.getMessage()), e);
    }
    return new ProviderException(Kind.NETWORK, what + ": the connection dropped (" + SshHost.firstLine(e.getMessage())
        + "); run the same export again", e);
  }
}
