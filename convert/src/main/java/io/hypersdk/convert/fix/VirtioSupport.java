package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Which virtio drivers each installed kernel has, as a module or built in; decides whether the domain can use
 * virtio disks and NICs, and refuses a guest whose default kernel has no virtio disk driver.
 */
public record VirtioSupport(boolean disk, boolean net, List<String> kernelsWithoutDisk) {

  /** Modules the initramfs needs to find the root disk on virtio (virtio_pci carries the bus itself). */
  static final List<String> INITRAMFS_MODULES = List.of("virtio_pci", "virtio_blk", "virtio_scsi", "virtio_net",
      "virtio_console");

  public VirtioSupport {
    kernelsWithoutDisk = List.copyOf(kernelsWithoutDisk);
  }

  /** Looks at every kernel of a Linux guest; fails when the kernel grub boots by default lacks virtio_blk. */
  public static VirtioSupport of(Guest guest) throws ConversionException, InterruptedException {
    GuestOs os = guest.os();
    if (os.kernels().isEmpty()) {
      throw new ConversionException(Kind.CONVERSION, "no Linux kernel found in the guest (/boot/vmlinuz-* with "
          + "modules in /lib/modules); the fix stage cannot make it boot on KVM");
    }
    List<String> withoutDisk = new ArrayList<>();
    boolean netOnNewest = false;
    for (String k : os.kernels()) {
      boolean blk = has(guest, k, "virtio_blk", "drivers/block");
      if (!blk) {
        withoutDisk.add(k);
      }
      if (k.equals(os.newestKernel())) {
        netOnNewest = has(guest, k, "virtio_net", "drivers/net");
      }
    }
    if (withoutDisk.contains(os.newestKernel())) {
      throw new ConversionException(Kind.CONVERSION, "kernel " + os.newestKernel() + " has no virtio_blk driver "
          + "(neither a module nor built in), so the guest cannot boot on virtio; install a kernel with virtio "
          + "drivers on the source VM, or convert with pipeline.fix.enabled false");
    }
    return new VirtioSupport(true, netOnNewest, withoutDisk);
  }

  private static boolean has(Guest guest, String kernel, String module, String dir) throws ConversionException,
      InterruptedException {
    String base = guest.fish().isDir("/lib/modules/" + kernel) ? "/lib/modules/" + kernel
        : "/usr/lib/modules/" + kernel;
    List<String> files = guest.fish().require("glob-expand " + Guestfish.quote(base + "/kernel/" + dir + "/"
        + module + ".ko*"));
    if (files.stream().anyMatch(s -> !s.isBlank())) {
      return true;
    }
    String builtin = guest.readIfExists(base + "/modules.builtin");
    return builtin != null && builtin.contains("/" + module + ".ko");
  }
}
