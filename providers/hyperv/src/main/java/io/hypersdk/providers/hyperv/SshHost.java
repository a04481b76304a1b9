package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One SSH session with the Hyper-V host: the host key checked against the pinned fingerprint or known_hosts
 * before anything is sent, then a key or a password. Runs commands with data on stdin, and opens SFTP clients.
 */
final class SshHost implements PowerShellHost {
  private static final Duration CONNECT = Duration.ofSeconds(30);
  private final HyperVConfig config;
  private final SshClient client;
  private final ClientSession session;

  private SshHost(HyperVConfig config, SshClient client, ClientSession session) {
    this.config = config;
    this.client = client;
    this.session = session;
  }

  /** Connects and logs in; a refused key, a refused login or an unreachable host is one line. */
  static SshHost connect(HyperVConfig config) throws ProviderException {
    AtomicReference<String> refusal = new AtomicReference<>();
    SshClient client = SshClient.setUpDefaultClient();
    // AES first: the JDK runs it with the CPU's AES instructions, while MINA's ChaCha20 is plain Java and several
    // times slower for the disk copy. Windows' OpenSSH offers both.
    client.setCipherFactories(new ArrayList<>(org.apache.sshd.common.NamedFactory.setUpBuiltinFactories(
        false, List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
            BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh))));
    client.setServerKeyVerifier(verifier(config, refusal));
    // Without it each SFTP read request waits out Nagle's algorithm and the peer's delayed ACK (measured: 8 MiB
    // ranges 5x slower).
    org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(client, true);
    client.start();
    try {
      return new SshHost(config, client, login(config, client));
    } catch (IOException | RuntimeException e) {
      client.stop();
      if (refusal.get() != null) {
        throw new ProviderException(Kind.CREDENTIALS, refusal.get());
      }
      throw failure(config, e);
    }
  }

  private static ClientSession login(HyperVConfig config, SshClient client) throws IOException {
    ClientSession session = client.connect(config.username(), config.host(), config.port()).verify(CONNECT)
        .getSession();
    try {
      if (config.keyFile() != null) {
        for (KeyPair kp : new FileKeyPairProvider(config.keyFile()).loadKeys(session)) {
          session.addPublicKeyIdentity(kp);
        }
      }
      if (config.password() != null) {
        session.addPasswordIdentity(config.password());
      }
      session.auth().verify(CONNECT);
      return session;
    } catch (IOException | RuntimeException e) {
      session.close(true);
      throw e;
    }
  }

  private static ProviderException failure(HyperVConfig config, Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof UnknownHostException || c instanceof ConnectException
          || c instanceof java.net.NoRouteToHostException || c instanceof java.net.SocketTimeoutException) {
        return new ProviderException(Kind.NETWORK, "cannot reach the Hyper-V host " + config.host() + " on port "
            + config.port() + " (" + c.getClass().getSimpleName().replaceFirst("Exception$", "") + "): check "
            + "--hyperv-host, --hyperv-port and that OpenSSH Server runs on the host", e);
      }
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.contains("No more authentication methods")) {
      return new ProviderException(Kind.CREDENTIALS, "the Hyper-V host " + config.host() + " refused the login of "
          + config.username() + ": check --username and the --key-file or --password-file", e);
    }
    if (m.contains("Failed to load") || e.getCause() instanceof java.security.GeneralSecurityException) {
      return new ProviderException(Kind.INVALID_REQUEST, "cannot read --key-file " + config.keyFile() + ": "
          + firstLine(m), e);
    }
    return new ProviderException(Kind.NETWORK, "SSH connection to " + config.target() + " failed: " + firstLine(m), e);
  }

  /** Pins the key to the fingerprint, or to known_hosts; records why a key was refused, for the message. */
  private static ServerKeyVerifier verifier(HyperVConfig config, AtomicReference<String> refusal) {
    String where = config.host() + ":" + config.port();
    if (config.hostKeyFingerprint() != null) {
      return (ClientSession s, SocketAddress a, PublicKey key) -> {
        String actual = fingerprint(key);
        if (actual.equals(config.hostKeyFingerprint().replaceFirst("=$", ""))) {
          return true;
        }
        refusal.set("host key of " + where + " is " + actual + ", not the pinned " + config.hostKeyFingerprint()
            + ": if the host was reinstalled, check its key on the host (ssh-keygen -lf "
            + "C:\\ProgramData\\ssh\\ssh_host_ecdsa_key.pub) and pass the new --host-key-fingerprint");
        return false;
      };
    }
    Path file = config.knownHosts();
    ServerKeyVerifier unknown = (s, a, key) -> {
      refusal.set("host key of " + where + " (" + fingerprint(key) + ") is not in " + file + ": check it on the host "
          + "(ssh-keygen -lf C:\\ProgramData\\ssh\\ssh_host_ecdsa_key.pub), then pass --host-key-fingerprint "
          + fingerprint(key) + " or add it to the file");
      return false;
    };
    return new KnownHostsServerKeyVerifier(unknown, file) {
      @Override
      public boolean acceptModifiedServerKey(ClientSession s, SocketAddress a,
          org.apache.sshd.client.config.hosts.KnownHostEntry entry, PublicKey expected, PublicKey actual) {
        refusal.set("host key of " + where + " is " + fingerprint(actual) + ", not " + fingerprint(expected)
            + " as " + file + " says: if the host was reinstalled, check its key on the host and update the file");
        return false;
      }
    };
  }

  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  @Override
  public Output exec(String command, byte[] stdin, Duration timeout) throws ProviderException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec ch = session.createExecChannel(command)) {
      ch.setIn(new ByteArrayInputStream(stdin));
      ch.setOut(out);
      ch.setErr(err);
      ch.open().verify(CONNECT);
      EnumSet<ClientChannelEvent> events = EnumSet.copyOf(ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
          timeout.toMillis()));
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted waiting for PowerShell on " + config.host());
      }
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new ProviderException(Kind.NETWORK, "PowerShell on " + config.host() + " did not answer within "
            + timeout.toSeconds() + " s");
      }
      Integer exit = ch.getExitStatus();
      return new Output(exit == null ? -1 : exit, out.toString(java.nio.charset.StandardCharsets.UTF_8),
          err.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ProviderException(Kind.NETWORK, "the SSH connection to " + config.target() + " dropped: "
          + firstLine(e.getMessage()), e);
    }
  }

  /** A new SFTP channel on this session. */
  SftpClient sftp() throws ProviderException {
    try {
      return SftpClientFactory.instance().createSftpClient(session);
    } catch (IOException e) {
      throw new ProviderException(Kind.NETWORK, "cannot open SFTP on " + config.target() + " (is the sftp "
          + "subsystem enabled in the host's sshd_config?): " + firstLine(e.getMessage()), e);
    }
  }

  /** An SFTP client on a session of its own; closing it ends both. */
  record OwnSftp(SftpClient client, ClientSession session) implements AutoCloseable {
    @Override
    public void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // The session goes next: nothing to keep.
      }
      session.close(true);
    }
  }

  /**
   * SFTP on a session of its own (the same host key and login): each download worker uses one, since one SSH
   * session encrypts all of its channels' data in one stream.
   */
  OwnSftp sftpOnOwnSession() throws ProviderException {
    ClientSession own = null;
    try {
      own = login(config, client);
      return new OwnSftp(SftpClientFactory.instance().createSftpClient(own), own);
    } catch (IOException e) {
      if (own != null) {
        own.close(true);
      }
      throw new ProviderException(Kind.NETWORK, "cannot open SFTP on " + config.target() + " (is the sftp "
          + "subsystem enabled in the host's sshd_config?): " + firstLine(e.getMessage()), e);
    }
  }

  @Override
  public HyperVConfig config() {
    return config;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (IOException ignored) {
      // Ending the session: nothing to keep.
    }
    client.stop();
  }
}
