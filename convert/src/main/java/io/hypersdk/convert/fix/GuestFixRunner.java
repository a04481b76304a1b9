package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.convert.domain.DeviceModels;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the guest fixes over a VM's converted disks in one libguestfs appliance: inspects and mounts the guest,
 * refuses what it cannot fix before changing anything, then applies each fix in order and unmounts cleanly.
 */
public final class GuestFixRunner {
  /** The environment variable that points to virtio-win drivers for Windows guests. */
  public static final String VIRTIO_WIN = "VIRTIO_WIN";

  private final Accel accel;
  private final String virtioWin;

  /** {@code accel}: how the appliance runs; {@code virtioWin}: the VIRTIO_WIN setting, or null. */
  public GuestFixRunner(Accel accel, String virtioWin) {
    this.accel = accel;
    this.virtioWin = virtioWin == null || virtioWin.isBlank() ? null : virtioWin;
  }

  /** How the appliance runs. */
  public Accel accel() {
    return accel;
  }

  /** Fixes the guest on {@code disks} (staged images of {@code format}, boot order); {@code scratch} is a private folder. */
  public FixOutcome run(List<Path> disks, String format, ArtifactManifest manifest, Pipeline.Fix settings,
      GuestConfiguration configuration, Path scratch) throws ConversionException, InterruptedException {
    long start = System.nanoTime();
    try (Guestfish fish = Guestfish.launch(disks, format, accel, scratch)) {
      long applianceMs = (System.nanoTime() - start) / 1_000_000;
      GuestOs os = new GuestInspector(fish).inspectAndMount();
      Guest guest = new Guest(fish, os, Boolean.TRUE.equals(settings.backup()));
      List<GuestFix> fixes = new ArrayList<>();
      DeviceModels devices;
      // Reading VIRTIO_WIN (an ISO starts an appliance of its own) is timed apart from inspection.
      long selectMs = 0;
      if (os.windows()) {
        if (!configuration.isEmpty()) {
          throw new ConversionException(Kind.INVALID_MANIFEST, "configuration is applied to Linux guests only; "
              + "remove it for this Windows guest");
        }
        Optional<VirtioWin.Drivers> drivers = Optional.empty();
        if (virtioWin != null) {
          long t = System.nanoTime();
          drivers = VirtioWin.of(virtioWin).select(os, accel, scratch);
          selectMs = (System.nanoTime() - t) / 1_000_000;
          if (drivers.isEmpty()) {
            guest.warn(VIRTIO_WIN + " (" + virtioWin + ") has no viostor driver for this guest ("
                + os.productName() + ", " + windowsFolder(os) + "), so the domain uses SATA disks and an e1000e "
                + "NIC; use a virtio-win release that supports this Windows version");
          }
        } else {
          guest.warn("Windows guest: no virtio drivers were installed (" + VIRTIO_WIN + " is not set), so the "
              + "domain uses SATA disks and an e1000e NIC; set " + VIRTIO_WIN + " to the virtio-win ISO or "
              + "folder to convert it to virtio");
        }
        if (drivers.isPresent()) {
          VirtioWin.Drivers d = drivers.get();
          fixes.add(new WindowsVirtio(d, scratch));
          String from = "virtio-win " + d.windowsDir() + "/" + d.archDir();
          devices = d.has(VirtioWin.NET_DRIVER) ? DeviceModels.virtio("viostor and netkvm installed from " + from)
              : new DeviceModels("virtio", "e1000e", "viostor installed from " + from + ", which has no netkvm");
        } else {
          fixes.add(new WindowsStorahci(scratch));
          devices = DeviceModels.fallback("Windows guest without virtio drivers");
        }
      } else {
        if (os.family() == null) {
          throw new ConversionException(Kind.CONVERSION, "unsupported guest operating system: " + os.describe()
              + " (" + os.type() + "); the fix stage supports " + GuestOs.SUPPORTED
              + " and Windows; convert it with pipeline.fix.enabled false");
        }
        VirtioSupport virtio = VirtioSupport.of(guest);
        if (!virtio.kernelsWithoutDisk().isEmpty()) {
          guest.warn("kernel(s) " + String.join(", ", virtio.kernelsWithoutDisk()) + " have no virtio_blk and "
              + "will not boot on KVM; the default kernel " + os.newestKernel() + " does");
        }
        devices = virtio.net() ? DeviceModels.virtio("kernel " + os.newestKernel() + " has virtio_blk and "
            + "virtio_net") : new DeviceModels("virtio", "e1000e", "kernel " + os.newestKernel()
            + " has virtio_blk but no virtio_net");
        if (!Boolean.FALSE.equals(settings.removeVmwareTools())) {
          fixes.add(new RemoveVmwareTools());
        }
        fixes.add(new StableDeviceNames(StableDeviceNames.Mode.of(settings.fstabMode())));
        fixes.add(new KeepNicNames(manifest.nics()));
        fixes.add(new SelinuxRelabel());
        fixes.add(new ApplyConfiguration(configuration));
        if (!Boolean.FALSE.equals(settings.regenInitramfs())) {
          fixes.add(new VirtioInitramfs(virtio.kernelsWithoutDisk()));
        } else {
          guest.warn("pipeline.fix.regen_initramfs is false: the initramfs was not rebuilt and may lack virtio "
              + "drivers");
        }
        if (!Boolean.FALSE.equals(settings.updateGrub())) {
          fixes.add(new RegenerateBootloader());
          // grub-mkconfig in the appliance writes root=/dev/sdX when the guest disables UUIDs
          // (GRUB_DISABLE_LINUX_UUID) or udev made no by-uuid link: the new grub.cfg is made stable again.
          fixes.add(StableDeviceNames.afterBootloaderRegeneration(StableDeviceNames.Mode.of(settings.fstabMode())));
        }
        fixes.add(new UefiFallbackLoader());
      }
      Map<String, Long> fixMs = new LinkedHashMap<>();
      fixMs.put("inspect", (System.nanoTime() - start) / 1_000_000 - applianceMs - selectMs);
      if (selectMs > 0) {
        fixMs.put("virtio_win", selectMs);
      }
      for (GuestFix f : fixes) {
        long t = System.nanoTime();
        f.apply(guest);
        fixMs.merge(snakeCase(f.getClass().getSimpleName()), (System.nanoTime() - t) / 1_000_000, Long::sum);
      }
      fish.finish();
      List<String> warnings = new ArrayList<>(guest.warnings());
      return new FixOutcome(os.describe(), os.kernels(), guest.changes(), warnings, devices, applianceMs,
          (System.nanoTime() - start) / 1_000_000, fixMs);
    }
  }

  /** A step's class name as a result.json timing key: {@code VirtioInitramfs} becomes {@code virtio_initramfs}. */
  static String snakeCase(String className) {
    return className.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** The virtio-win folder the guest needs, for the warning when it is missing. */
  private static String windowsFolder(GuestOs os) {
    List<String> dirs = VirtioWin.windowsDirs(os);
    String arch = VirtioWin.archDir(os.arch());
    if (dirs.isEmpty() || arch == null) {
      return "Windows " + os.majorVersion() + "." + os.minorVersion() + " " + os.productVariant() + " " + os.arch()
          + ", which virtio-win has no folder for";
    }
    return "looked for viostor/" + String.join("|", dirs) + "/" + arch + "/ and " + arch + "/"
        + String.join("|", dirs) + "/";
  }
}
