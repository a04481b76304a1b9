package io.hypersdk.providers.hyperv.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A Hyper-V host for tests: an in-process Apache MINA SSH server on loopback whose SFTP serves the VMs' VHDX
 * files from a folder (C:\Hyper-V\a.vhdx is ROOT/C:/Hyper-V/a.vhdx, as Windows OpenSSH names it /C:/Hyper-V/a.vhdx),
 * and whose exec channel answers the provider's PowerShell invocations as a host would. {@link WinRmEndpoint}
 * answers the same invocations over WinRM through {@link #powershell}.
 *
 * <p>An invocation is {@code powershell.exe ... -EncodedCommand BASE64(UTF-16LE script)} with base64 of a JSON
 * object on stdin; each is recorded ({@link #invocations()}) with the decoded script and data. Answers follow the
 * scripts' {@code ConvertTo-Json -Compress} of [ordered] hashtables, as the two PowerShells write them:
 * <ul>
 *   <li>Windows PowerShell 5.1 (JavaScriptSerializer): escapes {@code ' < > &} as {@code \u0027 \u003c \u003e
 *       \u0026}, and would write enums as numbers, which is why the scripts convert them with ToString();</li>
 *   <li>PowerShell 7 (Newtonsoft/System.Text.Json): writes those characters as they are.</li>
 * </ul>
 * Both write Int64 sizes as JSON numbers, $null as null, and an empty @() as []. Errors are the scripts' own
 * {@code {"error":KIND,"message":...,"command":...}} with exit 3 (NotFound) or 1 (a cmdlet failed).
 */
public final class HyperVHost implements AutoCloseable {
  /** Which PowerShell answers. */
  public enum Flavor { WINDOWS_POWERSHELL_51, POWERSHELL_7 }

  /** One command the provider ran: the command line, the script PowerShell would run, the data on stdin. */
  public record Invocation(String command, String script, JsonNode data) {}

  public static final String USER = "HV01\\hvadmin";
  public static final String PASSWORD = "test-password-not-real-7c1e";
  public static final String COMPUTER = "HV01";
  static final String PREFIX = "powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass "
      + "-EncodedCommand ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Flavor flavor;
  private final SshServer server;
  private final List<Invocation> invocations = Collections.synchronizedList(new ArrayList<>());
  private final List<Vm> vms = Collections.synchronizedList(new ArrayList<>());
  private volatile String deniedCmdlet;
  private volatile long failReadsFrom = Long.MAX_VALUE;
  private volatile long readDelayMillis;
  private final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();

  /** A VM of this host; change it freely between calls. */
  public final class Vm {
    public final String name;
    public final String id = UUID.randomUUID().toString();
    public volatile String state = "Off";
    public int cpu = 2;
    public long memoryMiB = 4096;
    public int generation = 2;
    public String secureBoot = "On";
    /** Whether Stop-VM without -TurnOff leaves it running (a guest without the shutdown service). */
    public boolean ignoresShutdown;
    final List<ObjectNode> disks = new ArrayList<>();
    final List<String> bootOrder = new ArrayList<>();
    final List<ObjectNode> nics = new ArrayList<>();
    final java.util.Map<String, Path> mergedContent = new java.util.HashMap<>();

    Vm(String name) {
      this.name = name;
    }

    /** Attaches {@code image} (copied to {@code windowsPath} on the host) at controller position, first boot last. */
    public Vm disk(String controller, int number, int location, String windowsPath, Path image) {
      copy(image, windowsPath);
      disks.add(drive(controller, number, location, windowsPath, List.of(vhd(windowsPath, "Dynamic", image, null))));
      return this;
    }

    /**
     * Attaches a checkpoint's differencing disk {@code childPath} over {@code parentPath}; Convert-VHD of the
     * chain writes {@code mergedImage} (what the merged disk holds).
     */
    public Vm checkpointedDisk(String controller, int number, int location, String childPath, String parentPath,
        Path parentImage, Path childBytes, Path mergedImage) {
      copy(parentImage, parentPath);
      copy(childBytes, childPath);
      long size = virtualSize(parentImage);
      ObjectNode child = JSON.createObjectNode().put("Path", childPath).put("VhdFormat", "VHDX")
          .put("VhdType", "Differencing").put("Size", size).put("FileSize", fileSize(childBytes))
          .put("ParentPath", parentPath);
      disks.add(drive(controller, number, location, childPath, List.of(child, vhd(parentPath, "Dynamic", parentImage,
          null))));
      mergedContent.put(childPath.toLowerCase(Locale.ROOT), mergedImage);
      return this;
    }

    /** The firmware's boot order lists these disk files first. */
    public Vm bootFrom(String windowsPath) {
      bootOrder.add(windowsPath);
      return this;
    }

    /** A network adapter; {@code mac} as Hyper-V writes it, 12 hex digits. */
    public Vm nic(String name, String mac, String switchName) {
      nics.add(JSON.createObjectNode().put("Name", name).put("MacAddress", mac).put("SwitchName", switchName));
      return this;
    }
  }

  public HyperVHost(Path dir, Flavor flavor) throws IOException {
    this.root = Files.createDirectories(dir.resolve("host"));
    this.flavor = flavor;
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(server, true);
    SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(dir.resolve("host-key.ser"));
    // An EC key: generating the default RSA one takes seconds on a busy CI machine.
    keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
    server.setKeyPairProvider(keys);
    server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    Path authorized = dir.resolve("authorized_keys");
    Files.writeString(authorized, "");
    server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorized));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    sftp.addSftpEventListener(new org.apache.sshd.sftp.server.SftpEventListener() {
      @Override
      public void reading(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
          org.apache.sshd.sftp.server.FileHandle localHandle, long offset, byte[] data, int dataOffset, int dataLen)
          throws IOException {
        if (offset >= failReadsFrom) {
          throw new IOException("connection reset");
        }
        if (readDelayMillis > 0) {
          try {
            Thread.sleep(readDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
      }

      @Override
      public void read(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
          org.apache.sshd.sftp.server.FileHandle localHandle, long offset, byte[] data, int dataOffset, int dataLen,
          int readLen, Throwable thrown) {
        bytesRead.addAndGet(Math.max(readLen, 0));
      }
    });
    server.setSubsystemFactories(List.of(sftp));
    server.setFileSystemFactory(new VirtualFileSystemFactory(root));
    server.setCommandFactory((channel, command) -> new PowerShellCommand(command));
    server.start();
  }

  /** Accepts the key in {@code publicKeyFile} (an OpenSSH .pub line) for {@link #USER}. */
  public void authorize(Path publicKeyFile) throws IOException {
    Files.writeString(root.resolveSibling("authorized_keys"), Files.readString(publicKeyFile));
  }

  public int port() {
    return server.getPort();
  }

  /** The host key's fingerprint, SHA256:BASE64 as ssh-keygen -lf prints it. */
  public String fingerprint() {
    try {
      return KeyUtils.getFingerPrint(BuiltinDigests.sha256, server.getKeyPairProvider().loadKeys(null).iterator()
          .next().getPublic());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A known_hosts line for this host. */
  public String knownHostsLine() {
    try {
      java.security.PublicKey key = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
      StringBuilder sb = new StringBuilder("[127.0.0.1]:" + port() + " ");
      org.apache.sshd.common.config.keys.PublicKeyEntry.appendPublicKeyEntry(sb, key);
      return sb.toString();
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public Vm addVm(String name) {
    Vm vm = new Vm(name);
    vms.add(vm);
    return vm;
  }

  /** The VM named {@code name}, to change its state. */
  public Vm vm(String name) {
    return vms.stream().filter(v -> v.name.equals(name)).findFirst().orElseThrow();
  }

  /** Every cmdlet fails as for a user outside Hyper-V Administrators, naming {@code cmdlet}. */
  public void denyHyperV(String cmdlet) {
    this.deniedCmdlet = cmdlet;
  }

  /** SFTP reads at or past {@code offset} of any file fail, as a connection that keeps dropping there. */
  public void failReadsFrom(long offset) {
    this.failReadsFrom = offset;
  }

  /** Each SFTP read waits {@code millis} first, as a slow link does (a copy still under way when a test acts). */
  public void slowReads(long millis) {
    this.readDelayMillis = millis;
  }

  /** Bytes SFTP has served so far. */
  public long bytesRead() {
    return bytesRead.get();
  }

  public List<Invocation> invocations() {
    return List.copyOf(invocations);
  }

  /** The local file behind a host path. */
  public Path file(String windowsPath) {
    return root.resolve(windowsPath.replace('\\', '/'));
  }

  /** Every file on the host whose name starts with {@code prefix}. */
  public List<String> filesNamed(String prefix) throws IOException {
    try (var s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
          .toList();
    }
  }

  private void copy(Path image, String windowsPath) {
    try {
      Path target = file(windowsPath);
      Files.createDirectories(target.getParent());
      Files.copy(image, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long fileSize(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long virtualSize(Path image) {
    String out = io.hypersdk.testing.Tools.run(List.of("qemu-img", "info", "--output=json", image.toString()));
    try {
      return JSON.readTree(out).path("virtual-size").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode vhd(String path, String type, Path image, String parent) {
    return JSON.createObjectNode().put("Path", path).put("VhdFormat", path.toLowerCase(Locale.ROOT).endsWith(".vhd")
        ? "VHD" : "VHDX").put("VhdType", type).put("Size", virtualSize(image)).put("FileSize", fileSize(image))
        .put("ParentPath", parent);
  }

  private static ObjectNode drive(String controller, int number, int location, String path, List<ObjectNode> chain) {
    ObjectNode d = JSON.createObjectNode().put("ControllerType", controller).put("ControllerNumber", number)
        .put("ControllerLocation", location).put("Path", path);
    d.putArray("Chain").addAll(chain);
    return d;
  }

  private Vm find(String nameOrId) {
    List<Vm> found = vms.stream().filter(v -> v.name.equalsIgnoreCase(nameOrId) || v.id.equals(nameOrId)).toList();
    return found.size() == 1 ? found.get(0) : null;
  }

  /** What the script answers: exit code and JSON, or text for the read script. */
  private record Answer(int exit, JsonNode json, String text) {
    Answer(int exit, JsonNode json) {
      this(exit, json, null);
    }
  }

  /** What a PowerShell invocation wrote and how it exited. */
  public record Result(int exit, byte[] stdout, byte[] stderr) {}

  /**
   * Runs one invocation as PowerShell on this host would: {@code command} is the whole command line, {@code stdin}
   * what the caller sent; a command line other than the provider's PowerShell is what cmd.exe says to it.
   */
  public Result powershell(String command, InputStream stdin) throws IOException {
    if (!command.startsWith(PREFIX)) {
      return new Result(1, new byte[0], ("'" + command.split(" ")[0] + "' is not recognized as an internal or "
          + "external command,\r\n").getBytes(StandardCharsets.UTF_8));
    }
    String script = new String(Base64.getDecoder().decode(command.substring(PREFIX.length())),
        StandardCharsets.UTF_16LE);
    String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.US_ASCII)).readLine();
    JsonNode data = JSON.readTree(Base64.getDecoder().decode(line.strip()));
    invocations.add(new Invocation(command, script, data));
    Answer a = answer(script, data);
    return new Result(a.exit(), (a.text() != null ? a.text() : render(a.json())).getBytes(StandardCharsets.UTF_8),
        new byte[0]);
  }

  /** The read script's answer: the range as base64 lines of at most 192 KiB each, as read.ps1 writes them. */
  private Answer readRange(JsonNode p) {
    Path f = file(p.path("path").asText());
    long offset = p.path("offset").asLong();
    long length = p.path("length").asLong();
    if (!Files.isRegularFile(f)) {
      return new Answer(1, error("Failed", "Could not find file '" + p.path("path").asText() + "'.", ""));
    }
    if (offset + length > failReadsFrom) {
      return new Answer(1, error("Failed", "The specified network name is no longer available.", ""));
    }
    StringBuilder out = new StringBuilder();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(196608);
      for (long pos = offset; pos < offset + length; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), offset + length - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          return new Answer(3, error("Short", f + " ended before the range did", ""));
        }
        out.append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n))).append('\n');
        pos += n;
        bytesRead.addAndGet(n);
      }
      if (readDelayMillis > 0) {
        Thread.sleep(readDelayMillis);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(1, error("Failed", "The pipeline has been stopped.", ""));
    }
    return new Answer(0, null, out.toString());
  }

  private Answer answer(String script, JsonNode p) {
    if (deniedCmdlet != null) {
      return new Answer(1, error("AccessDenied", "You do not have the required permission to complete this task. "
          + "Contact the administrator of the authorization policy for the computer '" + COMPUTER + "'.",
          deniedCmdlet));
    }
    if (script.contains("ToBase64String")) {
      return readRange(p);
    }
    if (script.contains("LastWriteTimeUtc")) {
      Path f = file(p.path("path").asText());
      try {
        return new Answer(0, JSON.createObjectNode().put("Path", p.path("path").asText()).put("Length", Files.size(f))
            .put("LastWriteTimeUtc", Files.getLastModifiedTime(f).toInstant().toString()));
      } catch (IOException e) {
        return new Answer(1, error("Failed", "Cannot find path '" + p.path("path").asText() + "' because it does not "
            + "exist.", "Get-Item"));
      }
    }
    if (script.contains("Convert-VHD")) {
      Path merged = null;
      for (Vm v : vms) {
        merged = merged != null ? merged : v.mergedContent.get(p.path("path").asText().toLowerCase(Locale.ROOT));
      }
      if (merged == null) {
        return new Answer(1, error("Failed", "The system cannot find the file specified.", "Convert-VHD"));
      }
      copy(merged, p.path("destination").asText());
      return new Answer(0, vhd(p.path("destination").asText(), "Dynamic", merged, null));
    }
    if (script.contains("Remove-Item -LiteralPath")) {
      try {
        Files.deleteIfExists(file(p.path("path").asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Answer(0, JSON.createObjectNode().put("Path", p.path("path").asText()).put("Removed", true));
    }
    if (script.contains("Get-VMHardDiskDrive -VM $_).Count")) {
      ArrayNode list = JSON.createArrayNode();
      for (Vm v : vms) {
        list.addObject().put("Name", v.name).put("Id", v.id).put("State", v.state).put("ProcessorCount", v.cpu)
            .put("MemoryStartup", v.memoryMiB << 20).put("Generation", v.generation).put("Disks", v.disks.size());
      }
      return new Answer(0, list);
    }
    Vm vm = find(p.path("name").asText());
    if (vm == null) {
      return new Answer(3, error("NotFound", "no VM named '" + p.path("name").asText() + "' on " + COMPUTER, ""));
    }
    if (script.contains("Stop-VM")) {
      boolean hard = vm.ignoresShutdown;
      vm.state = "Off";
      return new Answer(0, JSON.createObjectNode().put("State", vm.state).put("TurnedOff", hard));
    }
    ObjectNode o = JSON.createObjectNode().put("Name", vm.name).put("Id", vm.id).put("State", vm.state)
        .put("ProcessorCount", vm.cpu).put("MemoryStartup", vm.memoryMiB << 20).put("Generation", vm.generation);
    if (vm.generation == 2) {
      o.put("SecureBoot", vm.secureBoot).put("SecureBootTemplate", "MicrosoftWindows");
    } else {
      o.putNull("SecureBoot").putNull("SecureBootTemplate");
    }
    ArrayNode boot = o.putArray("BootOrder");
    vm.bootOrder.forEach(boot::add);
    o.putArray("Disks").addAll(vm.disks);
    o.putArray("NetworkAdapters").addAll(vm.nics);
    o.put("ComputerName", COMPUTER);
    return new Answer(0, o);
  }

  private static ObjectNode error(String kind, String message, String command) {
    return JSON.createObjectNode().put("error", kind).put("message", message).put("command", command);
  }

  /** The JSON as this host's PowerShell writes it. */
  String render(JsonNode json) {
    try {
      String s = JSON.writeValueAsString(json);
      if (flavor == Flavor.WINDOWS_POWERSHELL_51) {
        s = s.replace("'", "\\u0027").replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One exec channel: decodes the script, reads $p from stdin, answers. */
  private final class PowerShellCommand implements Command, Runnable {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback callback;

    PowerShellCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.callback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread t = new Thread(this, "hyperv-host-exec");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void run() {
      int exit;
      try {
        Result r = powershell(command, in);
        out.write(r.stdout());
        err.write(r.stderr());
        exit = r.exit();
        out.flush();
        err.flush();
      } catch (IOException | RuntimeException e) {
        exit = 255;
      }
      callback.onExit(exit);
    }

    @Override
    public void destroy(ChannelSession channel) {
      // Nothing runs after the answer.
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
