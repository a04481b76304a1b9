package io.hypersdk.tests.guest;

/** The hyperexport flags that ask for the fix stage and the boot check, in one place. */
final class GuestFlags {
  private GuestFlags() {}

  /** Boot the converted VM; a failed boot fails the job. */
  static String[] bootCheckOn() {
    return new String[] {"--boot-check", "on"};
  }

  /** Convert the disks as they are: no fix stage, and a boot check that must fail. */
  static String[] noFixBootCheckOn() {
    return new String[] {"--no-fix", "--boot-check", "on"};
  }
}
