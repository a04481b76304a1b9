package io.hypersdk.convert.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.manifest.ManifestIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/** The qemu-img binary: info, convert with progress, and check. */
public final class QemuImg {
  /** Overrides where qemu-img is looked for; otherwise it is found on PATH. */
  public static final String ENV_OVERRIDE = "HYPERSDK_QEMU_IMG";

  private final Path binary;

  private QemuImg(Path binary) {
    this.binary = binary;
  }

  /** Finds qemu-img, failing with the package to install. */
  public static QemuImg locate() throws ConversionException {
    String override = System.getenv(ENV_OVERRIDE);
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (Files.isExecutable(p)) {
        return new QemuImg(p);
      }
      throw new ConversionException(Kind.ENVIRONMENT, ENV_OVERRIDE + "=" + override + " is not an executable file");
    }
    return io.hypersdk.io.Executables.onPath("qemu-img").map(QemuImg::new).orElseThrow(() -> new ConversionException(Kind.ENVIRONMENT,
        "qemu-img not found on PATH; install it (Debian/Ubuntu: apt-get install qemu-utils, RHEL: dnf install qemu-img)"));
  }

  public Path binary() {
    return binary;
  }

  /** {@code qemu-img info --output=json}: the detected format and sizes of an image. */
  public ImageInfo info(Path image) throws ConversionException, InterruptedException {
    return info(image, false);
  }

  /**
   * Like {@link #info(Path)}, but with {@code -U}: readable while another process writes the image, at the
   * price of possibly inconsistent figures. For looking at images this program does not own.
   */
  public ImageInfo infoShared(Path image) throws ConversionException, InterruptedException {
    return info(image, true);
  }

  /**
   * {@code qemu-img info} of a source opened as it will be converted: for a VHD this is the size the converted
   * disk will have, where a plain probe reads a fixed VHD as raw and counts its footer.
   */
  public ImageInfo info(SourceImage source) throws ConversionException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "info", "--output=json"));
    cmd.addAll(source.options());
    cmd.add(source.name());
    return parseInfo(run(cmd, null), source.path());
  }

  private ImageInfo info(Path image, boolean shared) throws ConversionException, InterruptedException {
    return parseInfo(run(withShare(List.of(binary.toString(), "info", "--output=json"), shared, image), null), image);
  }

  private static ImageInfo parseInfo(Outcome r, Path image) throws ConversionException {
    if (r.exitCode != 0) {
      throw new ConversionException(Kind.CONVERSION, "qemu-img cannot read " + image + ": " + r.lastErrorLine());
    }
    try {
      JsonNode n = ManifestIO.jsonMapper().readTree(r.stdout);
      return new ImageInfo(n.path("format").asText(), n.path("virtual-size").asLong(), n.path("actual-size").asLong());
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "qemu-img info printed no JSON for " + image);
    }
  }

  /**
   * Whether a qemu process (qemu-img, qemu-io, qemu-nbd, a VM, libguestfs) holds the image open for writing:
   * qemu's image locks refuse a plain {@code info} then. The probe itself holds a shared lock for the few
   * milliseconds {@code info} runs.
   */
  public boolean lockedByWriter(Path image) throws ConversionException, InterruptedException {
    Outcome r = run(List.of(binary.toString(), "info", "--output=json", image.toString()), null);
    return r.exitCode != 0 && r.stderr.contains("lock");
  }

  private static List<String> withShare(List<String> command, boolean shared, Path image) {
    List<String> cmd = new ArrayList<>(command);
    if (shared) {
      cmd.add("-U");
    }
    cmd.add(image.toString());
    return cmd;
  }

  /** The qemu-img command line that converts one disk, as run and as shown in dry runs. */
  public List<String> convertCommand(SourceImage source, Path target, String targetFormat, boolean compress) {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "convert", "-p"));
    cmd.addAll(source.options());
    cmd.addAll(List.of("-O", targetFormat));
    if (compress) {
      cmd.add("-c");
    }
    cmd.add(source.name());
    cmd.add(target.toString());
    return cmd;
  }

  /** Converts one disk; {@code progress} receives fractions from 0 to 1 as qemu-img reports them. */
  public void convert(SourceImage source, Path target, String targetFormat, boolean compress,
      DoubleConsumer progress) throws ConversionException, InterruptedException {
    Outcome r = run(convertCommand(source, target, targetFormat, compress), progress);
    if (r.exitCode != 0) {
      throw new ConversionException(Kind.CONVERSION, "qemu-img could not convert " + source.path() + ": "
          + r.lastErrorLine());
    }
  }

  /**
   * {@code qemu-img check}: empty when the image is consistent, otherwise what is wrong. Formats without
   * consistency checks (raw) count as consistent.
   */
  public Optional<String> check(Path image, String format) throws ConversionException, InterruptedException {
    return check(image, format, false);
  }

  /** Like {@link #check(Path, String)}, with {@code -U}, so it neither waits for nor blocks another writer. */
  public Optional<String> checkShared(Path image, String format)
      throws ConversionException, InterruptedException {
    return check(image, format, true);
  }

  private Optional<String> check(Path image, String format, boolean shared)
      throws ConversionException, InterruptedException {
    Outcome r = run(withShare(List.of(binary.toString(), "check", "-f", format), shared, image), null);
    // 63: the format has no checks (raw); 3: leaked clusters only, which waste space but lose no data.
    if (r.exitCode == 0 || r.exitCode == 63 || r.exitCode == 3) {
      return Optional.empty();
    }
    String detail = r.lastErrorLine().isEmpty() ? firstNonBlank(r.stdout) : r.lastErrorLine();
    return Optional.of("qemu-img check exit " + r.exitCode + ": " + detail);
  }

  private record Outcome(int exitCode, String stdout, String stderr) {
    String lastErrorLine() {
      String[] lines = stderr.strip().split("\n");
      String last = lines[lines.length - 1].strip();
      return last.replaceFirst("^qemu-img: ", "");
    }
  }

  private static String firstNonBlank(String text) {
    return text.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("no details");
  }

  private static Outcome run(List<String> command, DoubleConsumer progress) throws ConversionException,
      InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run " + command.get(0) + ": " + e.getMessage());
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader = new Thread(() -> drain(p.getErrorStream(), err), "qemu-img-stderr");
    errReader.setDaemon(true);
    errReader.start();
    StringBuilder out = new StringBuilder();
    Thread outReader = new Thread(() -> readProgress(p.getInputStream(), out, progress), "qemu-img-stdout");
    outReader.setDaemon(true);
    outReader.start();
    try {
      int code = p.waitFor();
      outReader.join();
      errReader.join();
      return new Outcome(code, out.toString(), err.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      // Cancellation: qemu-img must not go on writing after the caller has given up on it.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw e;
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream sink) {
    try (in) {
      in.transferTo(sink);
    } catch (IOException ignored) {
      // The process ended; whatever was read is what it said.
    }
  }

  /** qemu-img -p writes "    (12.34/100%)\r"; everything else is kept as output. */
  private static void readProgress(InputStream in, StringBuilder out, DoubleConsumer progress) {
    try (in) {
      StringBuilder token = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\r' || c == '\n') {
          String t = token.toString().strip();
          token.setLength(0);
          if (progress != null && t.startsWith("(") && t.endsWith("%)")) {
            int slash = t.indexOf('/');
            if (slash > 1) {
              try {
                progress.accept(Double.parseDouble(t.substring(1, slash)) / 100.0);
              } catch (NumberFormatException ignored) {
                // Not a progress token after all.
              }
            }
          } else if (!t.isEmpty()) {
            out.append(t).append('\n');
          }
        } else {
          token.append((char) c);
        }
      }
      if (token.length() > 0) {
        out.append(token);
      }
    } catch (IOException ignored) {
      // The process ended.
    }
  }
}
