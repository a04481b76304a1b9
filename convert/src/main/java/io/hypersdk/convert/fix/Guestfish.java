package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.io.Executables;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code guestfish} process over all disks of a VM: the libguestfs appliance starts once (tens of
 * seconds under TCG) and every later command costs milliseconds. Each command is prefixed with {@code -} so that
 * a failing command does not end guestfish, and is followed by a marker on stdout and one on stderr, so that its
 * output and its error are told apart from the next command's.
 */
public final class Guestfish implements AutoCloseable {
  /** Debian packages that provide guestfish and a kernel for its appliance. */
  public static final String PACKAGES = "libguestfs-tools linux-image-cloud-amd64";

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;
  private final BufferedReader err;
  private final Path scratch;
  private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "guestfish-reader");
    t.setDaemon(true);
    return t;
  });
  private int sequence;

  private Guestfish(Process process, Path scratch) {
    this.process = process;
    this.scratch = scratch;
    this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
  }

  /** What one command printed, and its error when it failed. */
  public record Reply(List<String> lines, String error) {
    public boolean ok() {
      return error == null;
    }

    /** The output as one string, lines joined with newlines. */
    public String text() {
      return String.join("\n", lines);
    }
  }

  /**
   * Starts guestfish with {@code disks} (images of {@code format}, in boot order, writable) and launches the appliance; fails naming
   * the Debian packages when guestfish or an appliance kernel is missing.
   */
  public static Guestfish launch(List<Path> disks, String format, Accel accel, Path scratch) throws ConversionException,
      InterruptedException {
    return start(disks, "format:" + format, accel, scratch);
  }

  /** Starts guestfish with one image of a format it detects (an ISO) added read-only, and launches the appliance. */
  public static Guestfish launchReadOnly(Path image, Accel accel, Path scratch) throws ConversionException,
      InterruptedException {
    return start(List.of(image), "readonly:true format:raw", accel, scratch);
  }

  private static Guestfish start(List<Path> disks, String options, Accel accel, Path scratch)
      throws ConversionException, InterruptedException {
    if (Executables.onPath("guestfish").isEmpty()) {
      throw new ConversionException(Kind.ENVIRONMENT, "the fix stage needs libguestfs but guestfish is not "
          + "installed; install it: apt-get install -y " + PACKAGES);
    }
    ProcessBuilder pb = new ProcessBuilder("guestfish");
    Map<String, String> env = pb.environment();
    env.remove("LIBGUESTFS_BACKEND_SETTINGS");
    env.putAll(accel.libguestfsEnvironment());
    // Guest strings are parsed by us; a translated message would not match.
    env.put("LANG", "C");
    env.put("LC_ALL", "C");
    try {
      Files.createDirectories(scratch);
      Guestfish g = new Guestfish(pb.start(), scratch);
      for (Path d : disks) {
        g.require("add " + quote(d.toAbsolutePath().toString()) + " " + options);
      }
      // The initramfs rebuilds dominate under TCG; qemu runs TCG vCPUs on host threads, so more vCPUs help.
      g.require("set-smp " + Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
      Reply run = g.command("run");
      if (!run.ok()) {
        g.close();
        throw new ConversionException(Kind.ENVIRONMENT, "the libguestfs appliance did not start ("
            + oneLine(run.error()) + "); it needs a kernel in /boot: apt-get install -y " + PACKAGES);
      }
      return g;
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot start guestfish: " + e.getMessage(), e);
    }
  }

  /**
   * Runs one guestfish command line (arguments already quoted) and returns what it printed. The replies are read
   * on a helper thread so that an interrupt (a cancelled job) ends guestfish at once instead of waiting for a
   * long command such as an initramfs rebuild.
   */
  public Reply command(String line) throws ConversionException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int n = ++sequence;
    String marker = "---hypersdk-done-" + n + "---";
    try {
      in.write("-" + line + "\n");
      in.write("echo " + marker + "\n");
      in.write("!echo " + marker + " >&2\n");
      in.flush();
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "guestfish ended unexpectedly during: " + firstWord(line));
    }
    Future<Reply> reply = reader.submit(() -> readReply(marker, line));
    try {
      return reply.get();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      reader.shutdownNow();
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConversionException c) {
        throw c;
      }
      throw new ConversionException(Kind.CONVERSION, "guestfish ended unexpectedly during: " + firstWord(line));
    }
  }

  private Reply readReply(String marker, String line) throws ConversionException, IOException {
    List<String> lines = new ArrayList<>();
    for (String l = out.readLine(); ; l = out.readLine()) {
      if (l == null) {
        throw new ConversionException(Kind.CONVERSION, "guestfish ended unexpectedly during: " + firstWord(line)
            + drainError());
      }
      if (l.equals(marker)) {
        break;
      }
      lines.add(l);
    }
    StringBuilder error = new StringBuilder();
    for (String l = err.readLine(); l != null && !l.equals(marker); l = err.readLine()) {
      error.append(error.length() == 0 ? "" : " ").append(stripPrefix(l));
    }
    return new Reply(List.copyOf(lines), error.length() == 0 ? null : error.toString());
  }

  /** Runs a command that must succeed; its failure is a conversion error naming the command. */
  public List<String> require(String line) throws ConversionException, InterruptedException {
    Reply r = command(line);
    if (!r.ok()) {
      throw new ConversionException(Kind.CONVERSION, "guest fix failed: " + firstWord(line) + ": "
          + oneLine(r.error()));
    }
    return r.lines();
  }

  /** True when the guest path is a regular file (symlinks followed). */
  public boolean isFile(String guestPath) throws ConversionException, InterruptedException {
    return "true".equals(require("is-file " + quote(guestPath) + " followsymlinks:true").stream().findFirst()
        .orElse(""));
  }

  /** True when the guest path is a directory. */
  public boolean isDir(String guestPath) throws ConversionException, InterruptedException {
    return "true".equals(require("is-dir " + quote(guestPath) + " followsymlinks:true").stream().findFirst()
        .orElse(""));
  }

  /** The content of a guest file, byte for byte through a local scratch file. */
  public String read(String guestPath) throws ConversionException, InterruptedException {
    Path local = scratch.resolve("download-" + sequence);
    require("download " + quote(guestPath) + " " + quote(local.toString()));
    try {
      String s = Files.readString(local, StandardCharsets.UTF_8);
      Files.deleteIfExists(local);
      return s;
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot read " + local + ": " + e.getMessage(), e);
    }
  }

  /** Replaces a guest file's content (its owner and mode stay when the file exists). */
  public void write(String guestPath, String content) throws ConversionException, InterruptedException {
    Path local = scratch.resolve("upload-" + sequence);
    try {
      Files.writeString(local, content, StandardCharsets.UTF_8);
      require("upload " + quote(local.toString()) + " " + quote(guestPath));
      Files.deleteIfExists(local);
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot write " + local + ": " + e.getMessage(), e);
    }
  }

  /** Runs a shell command inside the guest (chrooted, with /dev, /proc and /sys); returns its output. */
  public Reply sh(String shellCommand) throws ConversionException, InterruptedException {
    return command("sh " + quote(shellCommand));
  }

  /** Syncs and unmounts everything, then ends guestfish; the disks are consistent once this returns. */
  public void finish() throws ConversionException, InterruptedException {
    require("umount-all");
    require("sync");
    command("shutdown");
    close();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.write("exit\n");
      in.flush();
      in.close();
    } catch (IOException e) {
      // Already gone; waited for and destroyed below.
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      reader.shutdownNow();
    }
  }

  /** Quotes one guestfish argument: double quotes, with backslash and double quote escaped. */
  public static String quote(String arg) {
    return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private String drainError() {
    try {
      StringBuilder s = new StringBuilder();
      for (String l = err.readLine(); l != null; l = err.readLine()) {
        if (!l.startsWith("---hypersdk-done-")) {
          s.append(s.length() == 0 ? ": " : " ").append(stripPrefix(l));
        }
      }
      return s.toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static String stripPrefix(String l) {
    return l.replaceFirst("^\\*stdin\\*:\\d+: ", "").replaceFirst("^libguestfs: error: ", "");
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  private static String firstWord(String line) {
    int sp = line.indexOf(' ');
    return sp < 0 ? line : line.substring(0, sp);
  }
}
