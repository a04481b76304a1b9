package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.convert.accel.AccelProbe;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.io.Executables;
import io.hypersdk.queue.BootCheckReport;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a converted VM headless and says whether it came up: on a throwaway qcow2 overlay per disk (the
 * outputs are only ever read), with the domain's machine, firmware, disk buses and NIC models, until the serial
 * console shows a login prompt or multi-user.target and, where required, a NIC got an address. qemu is killed
 * on every path, a thread interrupt included.
 */
public final class BootCheck {
  /** Used when neither the manifest nor the daemon sets a timeout; a TCG boot of a small guest takes 30-90 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
  /** How long the NIC may take to get an address once the console is up. */
  public static final Duration DEFAULT_NETWORK_GRACE = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(BootCheck.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * How to run one check.
   *
   * @param requireNetwork whether a NIC must get an address (Linux guests with a NIC)
   * @param diskPaths where each disk the domain names really is now, e.g. still in staging; others as named
   * @param workParent where the overlays and firmware variables go, in a folder removed afterwards
   */
  public record Options(Duration timeout, Duration networkGrace, boolean requireNetwork, Map<Path, Path> diskPaths,
      Path workParent) {
    public Options {
      Objects.requireNonNull(timeout);
      Objects.requireNonNull(networkGrace);
      diskPaths = Map.copyOf(diskPaths);
      Objects.requireNonNull(workParent);
    }

    /** The defaults: network required, disks where the domain says, work files in the system temp folder. */
    public static Options of(Duration timeout) {
      return new Options(timeout, DEFAULT_NETWORK_GRACE, true, Map.of(),
          Path.of(System.getProperty("java.io.tmpdir")));
    }

    public Options withDiskPaths(Map<Path, Path> v) {
      return new Options(timeout, networkGrace, requireNetwork, v, workParent);
    }

    public Options withRequireNetwork(boolean v) {
      return new Options(timeout, networkGrace, v, diskPaths, workParent);
    }

    public Options withNetworkGrace(Duration v) {
      return new Options(timeout, v, requireNetwork, diskPaths, workParent);
    }

    public Options withWorkParent(Path v) {
      return new Options(timeout, networkGrace, requireNetwork, diskPaths, v);
    }
  }

  private final Path qemu;
  private final QemuImg qemuImg;
  private final Accel accel;

  public BootCheck(Path qemuSystem, QemuImg qemuImg, Accel accel) {
    this.qemu = qemuSystem;
    this.qemuImg = qemuImg;
    this.accel = accel;
  }

  /** qemu-system-x86_64 from PATH with the accelerator {@link AccelProbe} decides for this host. */
  public static BootCheck forThisHost(QemuImg qemuImg) throws ConversionException, InterruptedException {
    Path qemu = Executables.onPath("qemu-system-x86_64").orElseThrow(() -> new ConversionException(
        Kind.ENVIRONMENT, "qemu-system-x86_64 not found on PATH; the boot check needs it (Debian/Ubuntu: "
        + "apt-get install qemu-system-x86, RHEL: dnf install qemu-kvm)"));
    return new BootCheck(qemu, qemuImg, AccelProbe.host().accel());
  }

  /** Boot-checks the domain in {@code domainXml}. */
  public BootCheckReport run(Path domainXml, Options options) throws ConversionException, InterruptedException {
    return run(BootDomain.parse(domainXml), options);
  }

  /** Boot-checks {@code domain}; environment problems (no OVMF, unreadable disk) throw, guest problems report. */
  public BootCheckReport run(BootDomain domain, Options options) throws ConversionException, InterruptedException {
    if (domain.disks().isEmpty() && domain.kernel() == null) {
      throw new ConversionException(Kind.CONVERSION, "the domain " + domain.name() + " has no disk to boot");
    }
    Path work;
    try {
      Files.createDirectories(options.workParent());
      work = Files.createTempDirectory(options.workParent(), "boot-check-");
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot create the boot check's work folder in "
          + options.workParent() + ": " + e.getMessage());
    }
    try {
      List<Path> overlays = new ArrayList<>();
      for (int i = 0; i < domain.disks().size(); i++) {
        overlays.add(overlay(domain.disks().get(i), options, work.resolve("disk" + i + ".qcow2")));
      }
      Path code = null;
      Path vars = null;
      if (domain.uefi()) {
        Ovmf ovmf = Ovmf.find(domain.secureBoot());
        code = ovmf.code();
        vars = work.resolve("OVMF_VARS.fd");
        Files.copy(ovmf.varsTemplate(), vars);
      }
      List<String> cmd = new QemuCommand(qemu, domain, accel, overlays, code, vars, work).args();
      LOG.info("boot check: {}", String.join(" ", cmd));
      return boot(domain, cmd, work, options);
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "the boot check cannot write its work files in " + work
          + ": " + e.getMessage());
    } finally {
      try {
        ConversionRunner.deleteTree(work);
      } catch (IOException e) {
        LOG.warn("could not remove the boot check's work folder {}: {}", work, e.getMessage());
      }
    }
  }

  private Path overlay(BootDomain.Disk disk, Options options, Path overlay)
      throws ConversionException, InterruptedException {
    Path actual = options.diskPaths().getOrDefault(disk.path(), disk.path()).toAbsolutePath();
    if (!Files.isReadable(actual)) {
      throw new ConversionException(Kind.CONVERSION, "the boot check cannot read the disk " + actual
          + (actual.equals(disk.path()) ? "" : " (the domain's " + disk.path() + ")"));
    }
    String format = disk.format() != null ? disk.format() : qemuImg.info(actual).format();
    List<String> cmd = List.of(qemuImg.binary().toString(), "create", "-q", "-f", "qcow2", "-F", format, "-b",
        actual.toString(), overlay.toString());
    Process p = null;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new ConversionException(Kind.CONVERSION, "the boot check cannot create an overlay on " + actual
            + ": " + out.lines().reduce((a, b) -> b).orElse("qemu-img create failed"));
      }
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run " + qemuImg.binary() + ": " + e.getMessage());
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    return overlay;
  }

  private BootCheckReport boot(BootDomain domain, List<String> cmd, Path work, Options options)
      throws ConversionException, InterruptedException {
    SerialConsole console = new SerialConsole();
    Deque<String> errors = new ArrayDeque<>();
    long start = System.nanoTime();
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run " + qemu + ": " + e.getMessage());
    }
    Thread serial = daemon("boot-check-serial", () -> pump(p.getInputStream(), console));
    Thread stderr = daemon("boot-check-stderr", () -> collect(p.getErrorStream(), errors));
    try {
      long deadline = start + options.timeout().toNanos();
      while (true) {
        SerialConsole.Event ev = console.event();
        long now = System.nanoTime();
        if (ev != null && !ev.up()) {
          return report(BootCheckReport.FAILED, ev.reason(), null, console);
        }
        if (ev != null) {
          Double seconds = Math.round((ev.nanos() - start) / 1e8) / 10.0;
          if (!options.requireNetwork() || domain.nics().isEmpty()) {
            return report(BootCheckReport.PASSED, ev.reason() + " after " + seconds + " s", seconds, console);
          }
          NetworkState net = network(domain, work);
          if (net.address() != null) {
            return report(BootCheckReport.PASSED, ev.reason() + " after " + seconds + " s; NIC " + net.mac()
                + " got " + net.address(), seconds, console);
          }
          if (now - ev.nanos() > options.networkGrace().toNanos() || now > deadline) {
            long waited = Math.round((Math.min(now, deadline) - ev.nanos()) / 1e9);
            return report(BootCheckReport.FAILED, "reached a " + ev.reason() + " but no NIC ("
                + String.join(", ", macs(domain)) + ") got an address within " + waited + " s: " + (net.sent()
                ? "the guest sent frames but configured no address; check its network configuration for this NIC"
                : "the guest sent nothing; it has no driver for its NIC model or no configuration for this NIC"),
                seconds, console);
          }
        } else if (!p.isAlive()) {
          serial.join(2000);
          if (console.event() != null) {
            continue;
          }
          stderr.join(2000);
          String why = lastError(errors);
          return report(BootCheckReport.FAILED, p.exitValue() != 0
              ? "qemu could not run the VM (exit " + p.exitValue() + ")" + (why.isEmpty() ? "" : ": " + why)
              : "the guest powered off or rebooted before it was up; last line: " + orNothing(console.lastLine()),
              null, console);
        } else if (now > deadline) {
          return report(BootCheckReport.FAILED, "timed out after " + options.timeout().toSeconds() + " s; "
              + (console.silent() ? "nothing on the serial console: the guest prints nothing on ttyS0 (a Linux "
              + "guest needs console=ttyS0 on its kernel command line)" : "last line: " + console.lastLine()),
              null, console);
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      p.destroyForcibly();
      try {
        p.onExit().get();
      } catch (ExecutionException e) {
        // onExit of a killed process does not fail.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private record NetworkState(boolean sent, String mac, String address) {}

  private static NetworkState network(BootDomain domain, Path work) throws ConversionException {
    boolean sent = false;
    for (int i = 0; i < domain.nics().size(); i++) {
      String mac = QemuCommand.mac(domain.nics().get(i), i);
      try {
        PcapAddresses.Seen seen = PcapAddresses.read(QemuCommand.pcap(work, i), mac);
        if (seen.address() != null) {
          return new NetworkState(true, mac, seen.address());
        }
        sent |= seen.sentFrames();
      } catch (IOException e) {
        throw new ConversionException(Kind.ENVIRONMENT, "cannot read the boot check's packet capture: "
            + e.getMessage());
      }
    }
    return new NetworkState(sent, null, null);
  }

  private static List<String> macs(BootDomain domain) {
    List<String> macs = new ArrayList<>();
    for (int i = 0; i < domain.nics().size(); i++) {
      macs.add(QemuCommand.mac(domain.nics().get(i), i));
    }
    return macs;
  }

  private BootCheckReport report(String status, String reason, Double seconds, SerialConsole console) {
    return new BootCheckReport(status, reason, seconds, accel.id(), console.tail());
  }

  private static void pump(InputStream in, SerialConsole console) {
    char[] buf = new char[4096];
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      for (int n; (n = r.read(buf)) >= 0; ) {
        console.feed(buf, n);
      }
    } catch (IOException e) {
      // qemu was killed: its console ends here.
    }
  }

  private static void collect(InputStream in, Deque<String> errors) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (errors) {
          errors.addLast(line.strip());
          while (errors.size() > 20) {
            errors.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // qemu was killed.
    }
  }

  /** qemu's last error line, ignoring its warnings about CPU features and its own termination message. */
  private static String lastError(Deque<String> errors) {
    synchronized (errors) {
      List<String> lines = new ArrayList<>(errors);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i);
        if (!l.isEmpty() && !l.toLowerCase(Locale.ROOT).contains("warning:") && !l.contains("terminating on signal")) {
          return l;
        }
      }
      return "";
    }
  }

  private static String orNothing(String line) {
    return line.isEmpty() ? "(nothing on the serial console)" : line;
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
