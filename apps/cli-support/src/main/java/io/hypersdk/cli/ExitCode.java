package io.hypersdk.cli;

/**
 * The one table of exit codes shared by hyperconvert, hyperexport, hypervisord and hyperctl: a code means
 * the same in every command. docs/CONFIGURATION.md lists it; {@link ExitCodes} picks each command's subset.
 */
public enum ExitCode {
  OK(0, "success; a daemon: stopped by SIGTERM or SIGINT after finishing its work"),
  INTERNAL(1, "internal error (a bug: report it)"),
  USAGE(2, "usage error: a flag, argument or input file the command cannot use"),
  NOT_FOUND(3, "not found or not active: the VM, the job, the daemon instance"),
  EXPORT_FAILED(4, "export failed"),
  CONVERSION_FAILED(5, "conversion failed"),
  ENVIRONMENT(6, "environment: a missing tool, folder, permission, port, lock or credential"),
  TIMED_OUT(7, "timed out waiting for the daemon"),
  VALIDATION_FAILED(8, "validation failed (qemu-img check of a converted disk)"),
  INVALID_MANIFEST(9, "invalid manifest"),
  JOB_FAILED(10, "a job or VM failed, was cancelled, rejected or could not be cancelled"),
  UNREACHABLE(11, "hypervisord unreachable or refused the request"),
  PERMISSION_DENIED(12, "the source platform refused an action: the credentials lack a permission"),
  QUOTA_EXCEEDED(13, "a quota or limit of the source platform was reached"),
  NETWORK(14, "the source platform's endpoint unreachable, or the connection dropped"),
  REGION_MISMATCH(15, "the VM is in another region or zone than the one given"),
  // sysexits EX_CONFIG: the systemd units' RestartPreventExitStatus=78 relies on it.
  CONFIG(78, "configuration error (systemd does not restart the service)"),
  INTERRUPTED(130, "interrupted (Ctrl-C, or SIGTERM while waiting)"),
  // 128 + SIGTERM: the JVM's own exit before the handlers are set up; the units' SuccessExitStatus=143.
  TERMINATED(143, "ended by SIGTERM before it set up its stop handling (systemd counts it as a stop)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** What the code means, as the usage help and docs/CONFIGURATION.md say it. */
  public String meaning() {
    return meaning;
  }
}
