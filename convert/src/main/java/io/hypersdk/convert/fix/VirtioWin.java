package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.accel.Accel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The virtio-win drivers that {@code VIRTIO_WIN} points to: a folder laid out like the virtio-win ISO, or the ISO
 * itself (read in a read-only libguestfs appliance of its own). Picks the folder that matches the guest's Windows
 * version and architecture, in either of the ISO's layouts: {@code viostor/2k19/amd64/} or {@code amd64/2k19/}.
 */
public final class VirtioWin {
  /** The virtio block driver; without it the guest stays on SATA. */
  static final String DISK_DRIVER = "viostor";
  /** The virtio network driver; without it the NIC stays e1000e. */
  static final String NET_DRIVER = "netkvm";

  private final Path location;

  private VirtioWin(Path location) {
    this.location = location;
  }

  /** The VIRTIO_WIN setting; fails with one line when it names nothing readable. */
  public static VirtioWin of(String setting) throws ConversionException {
    Path p = Path.of(setting);
    if (!Files.isReadable(p) || !(Files.isDirectory(p) || Files.isRegularFile(p))) {
      throw new ConversionException(Kind.ENVIRONMENT, GuestFixRunner.VIRTIO_WIN + "=" + setting + " is not a "
          + "readable folder or ISO; point it to the virtio-win ISO or to a folder with its content");
    }
    return new VirtioWin(p);
  }

  /** Where the drivers are. */
  public Path location() {
    return location;
  }

  /** The drivers found for one guest: local copies of each driver's files, by driver name. */
  public record Drivers(String windowsDir, String archDir, Map<String, List<Path>> files) {
    public Drivers {
      files = Map.copyOf(files);
    }

    /** True when the driver's .sys and .inf were both found. */
    public boolean has(String driver) {
      List<Path> f = files.getOrDefault(driver, List.of());
      return f.stream().anyMatch(p -> name(p).endsWith(".sys")) && f.stream().anyMatch(p -> name(p).endsWith(".inf"));
    }
  }

  /**
   * The virtio-win folder names that fit the guest, best first, e.g. {@code [2k19]} or {@code [w11, w10]}; empty
   * for a version virtio-win does not support.
   */
  static List<String> windowsDirs(GuestOs os) {
    boolean server = os.productVariant() != null && os.productVariant().toLowerCase(Locale.ROOT).startsWith("server");
    String product = os.productName() == null ? "" : os.productName();
    switch (os.majorVersion() + "." + os.minorVersion()) {
      case "6.0":
        return server ? List.of("2k8") : List.of();
      case "6.1":
        return List.of(server ? "2k8R2" : "w7");
      case "6.2":
        return List.of(server ? "2k12" : "w8");
      case "6.3":
        return List.of(server ? "2k12R2" : "w8.1");
      case "10.0":
        if (!server) {
          return product.contains("Windows 11") ? List.of("w11", "w10") : List.of("w10");
        }
        for (String year : List.of("2025", "2022", "2019", "2016")) {
          if (product.contains(year)) {
            return List.of("2k" + year.substring(2));
          }
        }
        return List.of();
      default:
        return List.of();
    }
  }

  /** virtio-win's folder for the guest's architecture as libguestfs names it, or null for one it lacks. */
  static String archDir(String arch) {
    return switch (arch == null ? "" : arch) {
      case "x86_64" -> "amd64";
      case "i386", "i686" -> "x86";
      case "aarch64" -> "ARM64";
      default -> null;
    };
  }

  /**
   * Finds the disk and network drivers for {@code os} and copies their files into {@code scratch}; empty when
   * no folder fits the guest's version and architecture or it holds no viostor.
   */
  public Optional<Drivers> select(GuestOs os, Accel accel, Path scratch) throws ConversionException,
      InterruptedException {
    List<String> winDirs = windowsDirs(os);
    String arch = archDir(os.arch());
    if (winDirs.isEmpty() || arch == null) {
      return Optional.empty();
    }
    try (Source source = Files.isDirectory(location) ? new FolderSource(location)
        : IsoSource.open(location, accel, scratch.resolve("virtio-win-iso"))) {
      List<String> all = source.files();
      for (String win : winDirs) {
        Map<String, List<String>> picked = new LinkedHashMap<>();
        for (String driver : List.of(DISK_DRIVER, NET_DRIVER)) {
          List<String> found = pick(all, driver, win, arch);
          if (!found.isEmpty()) {
            picked.put(driver, found);
          }
        }
        if (picked.containsKey(DISK_DRIVER)) {
          Path into = Files.createDirectories(scratch.resolve("virtio-win"));
          Map<String, List<Path>> copies = new LinkedHashMap<>();
          for (Map.Entry<String, List<String>> e : picked.entrySet()) {
            List<Path> local = new ArrayList<>();
            for (String f : e.getValue()) {
              Path dest = into.resolve(f.substring(f.lastIndexOf('/') + 1));
              source.copy(f, dest);
              local.add(dest);
            }
            copies.put(e.getKey(), local);
          }
          Drivers d = new Drivers(win, arch, copies);
          if (d.has(DISK_DRIVER)) {
            return Optional.of(d);
          }
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot read " + GuestFixRunner.VIRTIO_WIN + " ("
          + location + "): " + e.getMessage(), e);
    }
  }

  /**
   * The driver's files (DRIVER.sys, .inf, .cat, ...) in {@code DRIVER/WIN/ARCH/} or, in the ISO's flat layout,
   * {@code ARCH/WIN/}; compared without case, since the ISO writes {@code NetKVM} and {@code 2k12R2}.
   */
  static List<String> pick(List<String> files, String driver, String win, String arch) {
    String d = driver.toLowerCase(Locale.ROOT);
    List<String> dirs = List.of((d + "/" + win + "/" + arch + "/").toLowerCase(Locale.ROOT),
        (arch + "/" + win + "/").toLowerCase(Locale.ROOT));
    for (String dir : dirs) {
      List<String> found = files.stream().filter(f -> {
        String lower = f.toLowerCase(Locale.ROOT);
        return lower.startsWith(dir) && lower.indexOf('/', dir.length()) < 0
            && lower.substring(dir.length()).startsWith(d + ".");
      }).sorted().toList();
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static String name(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  /** Where driver files are read from: relative paths with '/' separators. */
  private interface Source extends AutoCloseable {
    List<String> files() throws ConversionException, InterruptedException, IOException;

    void copy(String file, Path dest) throws ConversionException, InterruptedException, IOException;

    @Override
    void close() throws InterruptedException;
  }

  private record FolderSource(Path root) implements Source {
    @Override
    public List<String> files() throws IOException {
      try (Stream<Path> s = Files.walk(root)) {
        return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
      }
    }

    @Override
    public void copy(String file, Path dest) throws IOException {
      Files.copy(root.resolve(file), dest, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {}
  }

  /** The ISO in a read-only appliance of its own, so the guest's appliance never sees a foreign disk. */
  private record IsoSource(Guestfish fish) implements Source {
    static IsoSource open(Path iso, Accel accel, Path scratch) throws ConversionException, InterruptedException {
      Guestfish fish = Guestfish.launchReadOnly(iso, accel, scratch);
      // An ISO is one filesystem on the whole device; a hybrid image may hold it in a partition instead.
      List<String> candidates = new ArrayList<>(fish.require("list-devices"));
      Guestfish.Reply partitions = fish.command("list-partitions");
      if (partitions.ok()) {
        candidates.addAll(partitions.lines());
      }
      boolean mounted = false;
      for (String device : candidates) {
        if (!device.isBlank() && fish.command("mount-ro " + Guestfish.quote(device.trim()) + " /").ok()) {
          mounted = true;
          break;
        }
      }
      if (!mounted) {
        fish.close();
        throw new ConversionException(Kind.ENVIRONMENT, GuestFixRunner.VIRTIO_WIN + "=" + iso + " holds no "
            + "filesystem libguestfs can mount; point it to the virtio-win ISO or to a folder with its content");
      }
      return new IsoSource(fish);
    }

    @Override
    public List<String> files() throws ConversionException, InterruptedException {
      return fish.require("find /").stream().filter(s -> !s.isBlank()).toList();
    }

    @Override
    public void copy(String file, Path dest) throws ConversionException, InterruptedException {
      fish.require("download " + Guestfish.quote("/" + file) + " " + Guestfish.quote(dest.toString()));
    }

    @Override
    public void close() throws InterruptedException {
      fish.close();
    }
  }
}
