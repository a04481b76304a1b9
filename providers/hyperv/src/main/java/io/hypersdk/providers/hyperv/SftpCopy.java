package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.RetryableReadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The host's disk files over SFTP, for {@link HostFileCopy}: 8 MiB ranges, each download worker on its own SSH
 * session (one session encrypts all its channels in one stream) with pipelined SFTP reads.
 */
final class SftpCopy implements HostFiles {
  static final int RANGE = 8 << 20;
  /** Bytes asked for per SFTP read request; several are in flight per channel. */
  private static final int READ_AHEAD = 1 << 20;
  private final SshHost host;

  SftpCopy(SshHost host) {
    this.host = host;
  }

  /** Windows OpenSSH's SFTP names C:\VMs\a.vhdx as /C:/VMs/a.vhdx. */
  static String sftpPath(String windowsPath) {
    String p = windowsPath.replace('\\', '/');
    return p.startsWith("/") ? p : "/" + p;
  }

  @Override
  public List<Stat> stat(List<String> paths) throws ProviderException {
    List<Stat> stats = new ArrayList<>();
    try (SftpClient sftp = host.sftp()) {
      for (String s : paths) {
        SftpClient.Attributes a = stat(sftp, s);
        stats.add(new Stat(a.getSize(), String.valueOf(a.getModifyTime())));
      }
    } catch (IOException e) {
      throw failure("SFTP to " + host.config().host() + " failed", e);
    }
    return stats;
  }

  @Override
  public Reader reader(String path) {
    return new Channels(sftpPath(path));
  }

  @Override
  public int rangeSize() {
    return RANGE;
  }

  @Override
  public String journalName() {
    return "sftp-ranges";
  }

  /** The SFTP channels reading one file, one per download thread, each with the file open. */
  private final class Channels implements HostFiles.Reader {
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
