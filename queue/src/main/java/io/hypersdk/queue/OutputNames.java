package io.hypersdk.queue;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Naming rules of the queue contract, shared by the daemon and every client so they agree on names. */
public final class OutputNames {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
  private static final Set<String> TEMP_MARKERS = Set.of("tmp", "part", "partial", "swp");
  private static final Pattern JOB_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  private OutputNames() {}

  /**
   * The file-name stem for a VM name. Names that try to leave the output folder ({@code /}, {@code \},
   * {@code ..}, a leading dot) are refused rather than rewritten, because rewriting them would hide a
   * hostile or broken manifest; other unsafe characters become {@code _} ("Ubuntu Server" → "Ubuntu_Server").
   */
  public static String vmStem(String vmName) {
    if (vmName == null || vmName.isBlank()) {
      throw new IllegalArgumentException("source.vm_name is missing; the output files are named after it");
    }
    if (vmName.contains("/") || vmName.contains("\\") || vmName.contains("..") || vmName.startsWith(".")
        || vmName.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("source.vm_name \"" + printable(vmName)
          + "\" is not allowed: it must not contain '/', '\\', '..', control characters or start with '.'");
    }
    String stem = UNSAFE.matcher(vmName.strip()).replaceAll("_");
    if (stem.length() > 200) {
      stem = stem.substring(0, 200);
    }
    return stem;
  }

  /** Checks a job id is usable as a file name and returns it. */
  public static String requireJobId(String jobId) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("metadata.job_id \"" + printable(String.valueOf(jobId))
          + "\" is not allowed: use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    return jobId;
  }

  public static boolean isValidJobId(String jobId) {
    return jobId != null && JOB_ID.matcher(jobId).matches();
  }

  /**
   * Whether a file at the top of the watch dir is a manifest to take: {@code *.json}, {@code *.yaml} or
   * {@code *.yml}, not hidden, and not a temporary name a writer is still filling.
   */
  public static boolean isManifestName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.startsWith(".") || n.startsWith("~") || n.endsWith("~")) {
      return false;
    }
    if (!(n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml"))) {
      return false;
    }
    // A temp marker counts only as the whole part before the extension ("vm.tmp.json", "vm.part.json"): a
    // name that merely contains one, like the submission of VM "web.partner.example.com", is a manifest.
    String[] parts = n.split("\\.");
    if (parts.length >= 2 && TEMP_MARKERS.contains(parts[parts.length - 2])) {
      return false;
    }
    return true;
  }

  /** The name a client submits under: unique per job, so concurrent jobs never collide. */
  public static String submissionName(String vmStem, String jobId) {
    return vmStem + "." + requireJobId(jobId) + ".json";
  }

  /** A file-name stem for a manifest whose VM name cannot be read. */
  public static String manifestStem(String manifestFileName) {
    String n = manifestFileName;
    int dot = n.lastIndexOf('.');
    if (dot > 0) {
      n = n.substring(0, dot);
    }
    n = UNSAFE.matcher(n).replaceAll("_");
    while (n.startsWith(".")) {
      n = n.substring(1);
    }
    return n.isEmpty() ? "manifest" : n;
  }

  private static String printable(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }
}
