package io.hypersdk.apps.hyperctl.tui;

import java.nio.file.Path;

/** Where each VM's export goes: its own folder under the output folder, named after the VM. */
final class ExportFolders {
  private ExportFolders() {}

  /** The VM's name made safe for a file name. */
  static Path of(Path outputRoot, String vmName) {
    String safe = vmName.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._-]+", "");
    return outputRoot.resolve(safe.isEmpty() ? "vm" : safe);
  }
}
