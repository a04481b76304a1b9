package io.hypersdk.providers.vsphere.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.testing.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * VMware's vCenter simulator (govmomi's vcsim, from Debian's golang-github-vmware-govmomi-dev) with an
 * ExportVm of this project's own, built once per source version and cached under
 * {@code ${XDG_CACHE_HOME:-~/.cache}/hypersdk/vcsim-<hash>}. Each instance serves the VPX model on a
 * loopback port the OS picks, and stops when closed (or when the test JVM dies: it exits when its stdin closes).
 */
public final class Vcsim implements AutoCloseable {
  /** The login the simulator accepts; the password has XML markup in it to prove it is escaped. */
  public static final String USER = "hyper-user";
  public static final String PASSWORD = "Vc&sim<S3cret>-pw";

  private static final String GOVMOMI = "/usr/share/gocode/src/github.com/vmware/govmomi";
  private static final String[] SOURCES = {"vcsim/main.go", "simulator/hypersdk_export_vm.go"};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path binary;

  private final Process process;
  private final String url;
  private final Map<String, List<Path>> disks;
  private final Path trace;
  private final Path log;

  private Vcsim(Process process, String url, Map<String, List<Path>> disks, Path trace, Path log) {
    this.process = process;
    this.url = url;
    this.disks = disks;
    this.trace = trace;
    this.log = log;
  }

  /**
   * Starts a simulator; {@code flags} are the Go main's ({@code -tls}, {@code -efi PATH}, {@code -powered-off PATH}, {@code -duplicate
   * PATH}, {@code -second-disk PATH}). Every VM's disks are 16 MiB; the SOAP traffic goes to {@link #trace()}.
   */
  public static Vcsim start(Path workDir, String... flags) throws IOException {
    Path bin = binary();
    Files.createDirectories(workDir);
    Path trace = workDir.resolve("vcsim-soap.log");
    Path log = workDir.resolve("vcsim.log");
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-listen", "127.0.0.1:0", "-disk-mib", "16",
        "-trace", trace.toString()));
    cmd.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
    pb.environment().put("VCSIM_USERNAME", USER);
    pb.environment().put("VCSIM_PASSWORD", PASSWORD);
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    String line;
    try {
      line = first.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("vcsim did not start: " + Files.readString(log), e);
    }
    if (line == null) {
      p.destroyForcibly();
      throw new AssertionError("vcsim exited at start: " + Files.readString(log));
    }
    JsonNode desc = JSON.readTree(line);
    Map<String, List<Path>> disks = new LinkedHashMap<>();
    for (JsonNode vm : desc.path("vms")) {
      List<Path> files = new ArrayList<>();
      vm.path("disks").forEach(d -> files.add(Path.of(d.asText())));
      disks.put(vm.path("path").asText(), files);
    }
    return new Vcsim(p, desc.path("url").asText(), disks, trace, log);
  }

  /** The SDK URL, e.g. {@code http://127.0.0.1:PORT/sdk}, without credentials. */
  public String url() {
    return url;
  }

  /** Inventory paths of the VMs the model has. */
  public List<String> vmPaths() {
    return List.copyOf(disks.keySet());
  }

  /** The files on this machine that back the VM's disks, in device order; the simulator leaves them absent. */
  public List<Path> disks(String vmPath) {
    List<Path> d = disks.get(vmPath);
    if (d == null) {
      throw new AssertionError("the simulator has no VM " + vmPath + "; it has " + disks.keySet());
    }
    return d;
  }

  /** Copies {@code vmdk} into place as the VM's {@code index}-th disk. */
  public void putDisk(String vmPath, int index, Path vmdk) throws IOException {
    Path target = disks(vmPath).get(index);
    Files.createDirectories(target.getParent());
    Files.copy(vmdk, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The SOAP requests so far (method names in order), from the trace. */
  public List<String> soapCalls() throws IOException {
    List<String> calls = new ArrayList<>();
    if (!Files.exists(trace)) {
      return calls;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Request: .*?<(?:[A-Za-z0-9]+:)?Body[^>]*>\\s*<(?:[A-Za-z0-9]+:)?([A-Za-z_]+)")
        .matcher(Files.readString(trace, StandardCharsets.ISO_8859_1));
    while (m.find()) {
      calls.add(m.group(1));
    }
    return calls;
  }

  public Path trace() {
    return trace;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  /** The simulator binary, built when the cache has none for these sources. */
  public static synchronized Path binary() throws IOException {
    if (binary != null) {
      return binary;
    }
    Path go = Tools.require("go", "golang-go");
    if (!Files.isDirectory(Path.of(GOVMOMI, "simulator"))) {
      throw new AssertionError(GOVMOMI + " is missing; install it: apt-get install -y golang-github-vmware-govmomi-dev");
    }
    Map<String, byte[]> sources = new LinkedHashMap<>();
    for (String s : SOURCES) {
      try (InputStream in = Vcsim.class.getResourceAsStream("/hypersdk-vcsim/" + s)) {
        if (in == null) {
          throw new AssertionError("test resource hypersdk-vcsim/" + s + " is missing from the class path");
        }
        sources.put(s, in.readAllBytes());
      }
    }
    String hash = hash(sources, Files.readString(Path.of(GOVMOMI, "simulator", "simulator.go")));
    String cacheHome = System.getenv("XDG_CACHE_HOME");
    Path cache = (cacheHome == null || cacheHome.isBlank() ? Path.of(System.getProperty("user.home"), ".cache")
        : Path.of(cacheHome)).resolve("hypersdk");
    Path bin = cache.resolve("vcsim-" + hash);
    if (Files.isExecutable(bin)) {
      return binary = bin;
    }
    Files.createDirectories(cache);
    Path gopath = Files.createTempDirectory("hypersdk-vcsim-gopath");
    try {
      Path tree = gopath.resolve("src/github.com/vmware/govmomi");
      copyTree(Path.of(GOVMOMI), tree);
      Files.write(tree.resolve("simulator/hypersdk_export_vm.go"), sources.get("simulator/hypersdk_export_vm.go"));
      Path main = Files.createDirectories(gopath.resolve("main")).resolve("main.go");
      Files.write(main, sources.get("vcsim/main.go"));
      Path temp = cache.resolve("vcsim-" + hash + ".tmp" + ProcessHandle.current().pid());
      ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", temp.toString(), main.toString())
          .directory(main.getParent().toFile()).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("GO111MODULE", "off");
      env.put("GOPATH", gopath + ":/usr/share/gocode");
      env.put("GOPROXY", "off");
      env.put("GOFLAGS", "");
      if (!env.containsKey("GOCACHE") && System.getenv("HOME") == null) {
        env.put("GOCACHE", gopath.resolve("gocache").toString());
      }
      long t0 = System.nanoTime();
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError("building vcsim failed:\n" + output);
      }
      Files.move(temp, bin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      System.err.printf("built %s in %d ms%n", bin, (System.nanoTime() - t0) / 1_000_000);
      return binary = bin;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building vcsim");
    } finally {
      deleteTree(gopath);
    }
  }

  private static String hash(Map<String, byte[]> sources, String govmomi) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      sources.forEach((name, bytes) -> {
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update(bytes);
      });
      md.update(govmomi.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp folder; the OS cleans it eventually.
    }
  }
}
