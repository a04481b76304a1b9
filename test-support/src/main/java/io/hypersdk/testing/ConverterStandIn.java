package io.hypersdk.testing;

import java.nio.file.Path;

/**
 * Stand-ins for hyper2kvm, the external converter that direct mode runs as {@code CONVERTER MANIFEST [-v]
 * [--dry-run]}: they follow its output convention ({@code Output: PATH} per converted disk) and do the work
 * with the real qemu-img, or hang as a long conversion does.
 */
public final class ConverterStandIn {
  private ConverterStandIn() {}

  /**
   * {@code dir/convert}: echoes its arguments, then converts every VMDK beside the manifest to
   * {@code converted/NAME.qcow2} in the same folder with qemu-img, one {@code Output:} line each; with
   * {@code --dry-run} it converts nothing. It exits 1 when qemu-img fails.
   */
  public static Path qemuImg(Path dir) {
    Tools.require("qemu-img", "qemu-utils");
    return Tools.script(dir.resolve("convert"), """
        #!/bin/sh
        manifest="$1"
        echo "converter stand-in: $*"
        case " $* " in *" --dry-run "*) echo "dry run: nothing converted"; exit 0 ;; esac
        dir=$(dirname "$manifest")
        mkdir -p "$dir/converted" || exit 1
        for v in "$dir"/*.vmdk; do
          out="$dir/converted/$(basename "${v%.vmdk}").qcow2"
          qemu-img convert -f vmdk -O qcow2 "$v" "$out" || exit 1
          echo "Output: $out"
        done
        """);
  }

  /** {@code dir/fail}: prints {@code message} and exits {@code exit}, as a converter that refuses the VM. */
  public static Path failing(Path dir, String message, int exit) {
    return Tools.script(dir.resolve("fail"), "#!/bin/sh\necho '" + message + "'\nexit " + exit + "\n");
  }

  /**
   * {@code dir/slow}: says it started, then waits on a child {@code sleep 300} (as real converters work through
   * child processes) whose pid it writes to {@code pidFile} (atomically), so a test can check it was stopped.
   */
  public static Path slow(Path dir, Path pidFile) {
    return Tools.script(dir.resolve("slow"), "#!/bin/sh\n"
        + "echo 'Stage convert: started'\n"
        + "sleep 300 &\n"
        + "echo $! > '" + pidFile + ".tmp' && mv '" + pidFile + ".tmp' '" + pidFile + "'\n"
        + "wait\n"
        + "echo 'Output: /nowhere/converted.qcow2'\n");
  }
}
