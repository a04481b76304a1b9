package io.hypersdk.tests.guest;

/** The hyperexport flags that ask for the fix stage and the boot check, in one place. */
final class GuestFlags {
  /**
   * Seconds a boot may take: about 90 s on a quiet 2-core machine under TCG, but over 250 s were seen while
   * other builds shared the cores.
   */
  static final String BOOT_TIMEOUT = "900";

  private GuestFlags() {}

  /** Boot the converted VM; a failed boot fails the job. */
  static String[] bootCheckOn() {
    return new String[] {"--boot-check=on", "--boot-check-timeout", BOOT_TIMEOUT};
  }

  /** Convert the disks as they are: no fix stage, and a boot check that must fail. */
  static String[] noFixBootCheckOn() {
    return new String[] {"--no-fix", "--boot-check=on", "--boot-check-timeout", BOOT_TIMEOUT};
  }
}
