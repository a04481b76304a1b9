package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ovf.HashingCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;

/** Copies a VM's disk files from the host over SFTP into the output folder, hashing them as they are written. */
final class SftpCopy {
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
    List<ExportedDisk> done = new ArrayList<>();
    try (SftpClient sftp = host.sftp()) {
      long total = 0;
      List<Long> sizes = new ArrayList<>();
      for (String s : sources) {
        long size = stat(sftp, s);
        sizes.add(size);
        total += size;
      }
      progress.start(total);
      for (int i = 0; i < sources.size(); i++) {
        HostVm.Disk d = vm.disks().get(i);
        String format = d.chain().get(d.chain().size() - 1).format().toLowerCase(Locale.ROOT);
        String ext = format.equals("vhd") ? "vhd" : "vhdx";
        Path target = out.resolve("disk" + i + "." + ext);
        HashingCopy.Copied c;
        try (InputStream in = sftp.read(sftpPath(sources.get(i)), 1 << 20)) {
          c = HashingCopy.copy(in, sizes.get(i), target, progress);
        } catch (InterruptedIOException e) {
          throw new InterruptedException("export interrupted");
        } catch (IOException e) {
          throw failure("cannot copy " + sources.get(i) + " to " + target, e);
        }
        done.add(new ExportedDisk("disk" + i, c.path().toString(), ext, c.bytes(), c.sha256(), i, d.position()));
      }
    } catch (IOException e) {
      throw failure("SFTP to " + host.config().host() + " failed", e);
    }
    return done;
  }

  private long stat(SftpClient sftp, String file) throws ProviderException {
    try {
      return sftp.stat(sftpPath(file)).getSize();
    } catch (IOException e) {
      throw failure("cannot read " + file + " over SFTP", e);
    }
  }

  private ProviderException failure(String what, IOException e) {
    if (e instanceof SftpException s && s.getStatus() == org.apache.sshd.sftp.common.SftpConstants.SSH_FX_PERMISSION_DENIED) {
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
