package io.hypersdk.queue;

import java.nio.file.Path;

/** The final names of one VM's outputs: {@code VM.qcow2}, {@code VM-DISK.qcow2}, {@code VM.xml}, and so on. */
public record OutputFiles(Path dir, String vmStem) {

  /** The boot disk, or the file name the manifest's {@code output.filename} asks for. */
  public Path primaryDisk(String format) {
    return dir.resolve(vmStem + "." + format);
  }

  public Path extraDisk(String diskId, String format) {
    return dir.resolve(vmStem + "-" + diskId + "." + format);
  }

  public Path domainXml() {
    return dir.resolve(vmStem + ".xml");
  }

  public Path resultJson() {
    return dir.resolve(vmStem + ".result.json");
  }

  public Path errorFile() {
    return dir.resolve(vmStem + ".error");
  }
}
