package io.hypersdk.providers.local;

import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** What {@code --vm} names for the local provider: an OVA, an OVF (or its folder), or disk images. */
record LocalSource(Kind kind, Path path, List<Path> images) {
  enum Kind { OVA, OVF, IMAGES }

  /** Disk image extensions and the manifest's format names. */
  static final Map<String, String> IMAGE_FORMATS = Map.of("vmdk", "vmdk", "vhd", "vhd", "vhdx", "vhdx", "raw", "raw",
      "img", "raw", "qcow2", "qcow2", "vdi", "vdi");

  static LocalSource resolve(String vm) throws ProviderException {
    if (vm == null || vm.isBlank()) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
          "--vm is required: an OVA, an OVF file or folder, or disk images separated by commas");
    }
    if (vm.contains(",")) {
      List<Path> images = new ArrayList<>();
      for (String part : vm.split(",")) {
        images.add(requireImage(Path.of(part.strip())));
      }
      return new LocalSource(Kind.IMAGES, images.get(0), images);
    }
    Path p = Path.of(vm).toAbsolutePath().normalize();
    if (Files.isDirectory(p)) {
      List<Path> ovfs;
      try (Stream<Path> s = Files.list(p)) {
        ovfs = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ovf")).toList();
      } catch (IOException e) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot read folder " + p + ": " + e.getMessage());
      }
      if (ovfs.size() != 1) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "folder " + p + " must hold exactly one "
            + ".ovf descriptor, it holds " + ovfs.size());
      }
      return new LocalSource(Kind.OVF, ovfs.get(0), List.of());
    }
    if (!Files.isRegularFile(p)) {
      throw new ProviderException(ProviderException.Kind.NOT_FOUND, "VM " + vm + " not found: no such file or folder");
    }
    String ext = extension(p);
    if (ext.equals("ova")) {
      return new LocalSource(Kind.OVA, p, List.of());
    }
    if (ext.equals("ovf")) {
      return new LocalSource(Kind.OVF, p, List.of());
    }
    return new LocalSource(Kind.IMAGES, p, List.of(requireImage(p)));
  }

  private static Path requireImage(Path p) throws ProviderException {
    Path abs = p.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs)) {
      throw new ProviderException(ProviderException.Kind.NOT_FOUND, "disk image " + p + " not found");
    }
    if (!IMAGE_FORMATS.containsKey(extension(abs))) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, p + " is not an OVA, OVF or disk image "
          + "(extensions: .ova .ovf .vmdk .vhd .vhdx .raw .img .qcow2 .vdi)");
    }
    return abs;
  }

  static String extension(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot <= 0 ? n : n.substring(0, dot);
  }

  /** An OVF file reference must be a plain name inside the package, never a path out of it. */
  static String requirePlainName(String href, Path origin) throws ProviderException {
    if (href == null || href.isEmpty() || href.contains("/") || href.contains("\\") || href.startsWith(".")) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, origin + ": file reference '" + href
          + "' is not a plain file name");
    }
    return href;
  }

  static ProviderException unreadable(Path p, IOException e) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot read " + p + ": " + e.getMessage());
  }
}
