package io.hypersdk.providers;

import java.util.List;

/** The result of an export: the VM's facts, its disks (boot disk first), the descriptor files and warnings. */
public record ExportedVm(VmInfo vm, List<ExportedDisk> disks, String descriptor, String archive, String exportMethod,
    List<String> warnings) {
  public ExportedVm {
    disks = List.copyOf(disks);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
