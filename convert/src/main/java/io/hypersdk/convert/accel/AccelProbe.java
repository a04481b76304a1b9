package io.hypersdk.convert.accel;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Executables;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether qemu can use KVM here. {@code /dev/kvm} existing is not enough: some nested KVMs create VMs
 * and run firmware but hang in an early kernel, so the probe boots the host's kernel under KVM with no root
 * file system and waits for a line the kernel prints only after that point. The answer is cached per kernel
 * release and qemu version, because a failing probe costs its whole timeout.
 */
public final class AccelProbe {
  /** Operators set {@code kvm} or {@code tcg} here to skip the probe. */
  public static final String ENV_OVERRIDE = "HYPERSDK_ACCEL";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  static final String CACHE_FILE_NAME = "accel.properties";

  /** Lines a booting kernel prints after the point where a broken KVM hangs; without a root fs it then panics. */
  static final List<String> BOOTED_MARKERS = List.of("Run /init", "Freeing unused kernel",
      "VFS: Cannot open root device", "Kernel panic - not syncing");

  private static final Logger LOG = LoggerFactory.getLogger(AccelProbe.class);
  private static Decision hostDecision;

  /** The accelerator to use, and one line saying why. */
  public record Decision(Accel accel, String reason) {
    /** The log line, e.g. {@code accel: tcg (no /dev/kvm)}. */
    public String describe() {
      return "accel: " + accel.id() + " (" + reason + ")";
    }
  }

  private final Path qemu;
  private final Path kvmDevice;
  private final Path bootDir;
  private final Path cacheDir;
  private final Duration timeout;

  /**
   * A probe with explicit inputs; {@code qemu} and {@code cacheDir} may be null (not installed; do not cache).
   */
  public AccelProbe(Path qemu, Path kvmDevice, Path bootDir, Path cacheDir, Duration timeout) {
    this.qemu = qemu;
    this.kvmDevice = kvmDevice;
    this.bootDir = bootDir;
    this.cacheDir = cacheDir;
    this.timeout = timeout;
  }

  /** The probe for this host: qemu-system-x86_64 from PATH, {@code /dev/kvm}, the kernels in {@code /boot}. */
  public static AccelProbe forThisHost() {
    return new AccelProbe(Executables.onPath("qemu-system-x86_64").orElse(null), Path.of("/dev/kvm"),
        Path.of("/boot"), defaultCacheDir(), DEFAULT_TIMEOUT);
  }

  /**
   * This host's decision, probed (or read from the cache) once per process and logged once; honours
   * {@code HYPERSDK_ACCEL}.
   */
  public static synchronized Decision host() throws ConversionException, InterruptedException {
    if (hostDecision == null) {
      hostDecision = forThisHost().decide(System.getenv(ENV_OVERRIDE));
      LOG.info(hostDecision.describe());
    }
    return hostDecision;
  }

  /**
   * Where the decision is cached: systemd's {@code CacheDirectory=} for a unit, else {@code $XDG_CACHE_HOME},
   * else {@code /var/cache/hypersdk} for root and {@code ~/.cache/hypersdk} for anyone else.
   */
  public static Path defaultCacheDir() {
    String systemd = System.getenv("CACHE_DIRECTORY");
    if (systemd != null && !systemd.isBlank()) {
      return Path.of(systemd.split(":")[0]);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "hypersdk");
    }
    if (isRoot()) {
      return Path.of("/var/cache/hypersdk");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hypersdk");
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Decides, honouring {@code override} (the value of {@code HYPERSDK_ACCEL}, may be null). */
  public Decision decide(String override) throws ConversionException, InterruptedException {
    if (override != null && !override.isBlank()) {
      Accel forced = Accel.parse(override);
      if (forced == null) {
        throw new ConversionException(Kind.ENVIRONMENT, ENV_OVERRIDE + "=" + override.strip()
            + " is not kvm or tcg; unset it to let the probe decide");
      }
      return new Decision(forced, "set by " + ENV_OVERRIDE);
    }
    if (!Files.exists(kvmDevice)) {
      return new Decision(Accel.TCG, "no " + kvmDevice);
    }
    if (!Files.isReadable(kvmDevice) || !Files.isWritable(kvmDevice)) {
      return new Decision(Accel.TCG, kvmDevice + " is not readable and writable by this user; add it to the "
          + "device's group (usually kvm) to use KVM");
    }
    if (qemu == null) {
      return new Decision(Accel.TCG, "qemu-system-x86_64 not found to probe KVM with");
    }
    Optional<Path> kernel = newestKernel();
    if (kernel.isEmpty()) {
      return new Decision(Accel.TCG, "no kernel in " + bootDir + " to probe KVM with");
    }
    if (!Files.isReadable(kernel.get())) {
      return new Decision(Accel.TCG, kernel.get() + " is not readable to probe KVM with");
    }
    String key = kernel.get().getFileName().toString().substring("vmlinuz-".length()) + " / " + qemuVersion();
    Optional<Decision> cached = readCache(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    Decision probed = probe(kernel.get());
    return new Decision(probed.accel(), probed.reason() + "; " + writeCache(key, probed));
  }

  /** The highest-versioned {@code vmlinuz-*} in the boot folder. */
  Optional<Path> newestKernel() {
    if (!Files.isDirectory(bootDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(bootDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
          .max(Comparator.comparing(p -> p.getFileName().toString(), AccelProbe::compareVersions));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Compares runs of digits as numbers, so 6.10 sorts after 6.9. */
  static int compareVersions(String a, String b) {
    String[] pa = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    String[] pb = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
      boolean na = Character.isDigit(pa[i].charAt(0));
      boolean nb = Character.isDigit(pb[i].charAt(0));
      int c = na && nb ? new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i]))
          : pa[i].compareTo(pb[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pa.length, pb.length);
  }

  private String qemuVersion() throws ConversionException, InterruptedException {
    try {
      Process p = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("unknown").strip();
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run " + qemu + ": " + e.getMessage());
    }
  }

  private Decision probe(Path kernel) throws ConversionException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-nodefaults", "-display", "none", "-no-reboot",
        "-m", "256", "-serial", "stdio"));
    cmd.addAll(Accel.KVM.qemuArgs());
    cmd.addAll(List.of("-kernel", kernel.toString(), "-append", "console=ttyS0 panic=-1"));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run " + qemu + ": " + e.getMessage());
    }
    long start = System.nanoTime();
    CompletableFuture<String> booted = new CompletableFuture<>();
    Thread reader = new Thread(() -> watch(p.getInputStream(), booted), "accel-probe");
    reader.setDaemon(true);
    reader.start();
    try {
      String last = booted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (last == null) {
        return new Decision(Accel.KVM, String.format(Locale.ROOT, "KVM booted a kernel in %.1f s",
            (System.nanoTime() - start) / 1e9));
      }
      return new Decision(Accel.TCG, "qemu stopped under KVM before the kernel booted"
          + (last.isEmpty() ? "" : ": " + last));
    } catch (TimeoutException e) {
      return new Decision(Accel.TCG, "KVM did not boot a kernel within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      return new Decision(Accel.TCG, "cannot read qemu's console: " + e.getCause().getMessage());
    } finally {
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  /** Completes with null once a marker shows, or with the last line printed when the output ends without one. */
  private static void watch(InputStream console, CompletableFuture<String> booted) {
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(console, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String l = line;
        if (BOOTED_MARKERS.stream().anyMatch(l::contains)) {
          booted.complete(null);
          return;
        }
        if (!line.isBlank()) {
          last = line.strip();
        }
      }
      booted.complete(last);
    } catch (IOException e) {
      booted.completeExceptionally(e);
    }
  }

  private Optional<Decision> readCache(String key) {
    if (cacheDir == null) {
      return Optional.empty();
    }
    Path file = cacheDir.resolve(CACHE_FILE_NAME);
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    Accel accel = Accel.parse(p.getProperty("accel"));
    if (accel == null || !key.equals(p.getProperty("key"))) {
      return Optional.empty();
    }
    return Optional.of(new Decision(accel, p.getProperty("reason", "") + " (probed earlier; cached in " + file
        + ")"));
  }

  /** Caches the decision; returns where it went, or why not, for the log line. */
  private String writeCache(String key, Decision d) {
    if (cacheDir == null) {
      return "not cached";
    }
    Path file = cacheDir.resolve(CACHE_FILE_NAME);
    Properties p = new Properties();
    p.setProperty("key", key);
    p.setProperty("accel", d.accel().id());
    p.setProperty("reason", d.reason());
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.store(out, "HyperSDK KVM probe; delete this file to probe again");
      AtomicFiles.write(file, out.toByteArray());
      return "cached in " + file;
    } catch (IOException e) {
      return "not cached: cannot write " + file + ": " + e.getMessage();
    }
  }
}
