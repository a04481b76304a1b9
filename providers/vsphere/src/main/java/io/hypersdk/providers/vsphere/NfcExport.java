package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.DiskSink;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.download.SocketHttpGet;
import io.hypersdk.providers.ovf.HashingCopy;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.ObjectContent;
import io.hypersdk.providers.vsphere.vim25.PropertyCollector;
import io.hypersdk.providers.vsphere.vim25.VimConnection;
import io.hypersdk.providers.vsphere.vim25.VimFault;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * Downloads a powered-off VM's disks through an NFC lease: ExportVm, wait until the lease is ready,
 * GET every disk URL with the session cookie (several at once), report HttpNfcLeaseProgress every few
 * seconds so the lease does not time out, then HttpNfcLeaseComplete — or HttpNfcLeaseAbort on any failure
 * or interrupt, so vCenter releases the VM at once.
 */
final class NfcExport {
  static final Duration PROGRESS_PERIOD = Duration.ofSeconds(5);
  static final Duration LEASE_READY_TIMEOUT = Duration.ofMinutes(5);
  static final int ATTEMPTS = 3;
  /** A download that receives nothing for this long is retried. */
  static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

  /** Matches device keys such as {@code /vm-42/VirtualLsiLogicController0:1} (controller type, bus, unit). */
  private static final Pattern DEVICE_KEY = Pattern.compile("/([A-Za-z]+Controller)(\\d+):(\\d+)$");

  private final VimConnection vim;
  private final int parallel;
  /** Downloads in progress, aborted on failure or interrupt: closing unblocks a read, an interrupt may not. */
  private final Set<SocketHttpGet> openDownloads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  NfcExport(VimConnection vim, int parallel) {
    this.vim = vim;
    this.parallel = parallel;
  }

  /** A disk URL of the lease. */
  record DeviceUrl(String key, URI url, String targetId) {}

  /** The disks written (boot disk first) and the lease's device key of each, for CreateDescriptor. */
  record Downloaded(List<ExportedDisk> disks, List<String> deviceKeys) {}

  Downloaded run(MoRef vm, VmInfo info, List<VmHardware.Disk> disks, Path out, String stem, DiskSink sink,
      ExportProgress progress) throws ProviderException, InterruptedException {
    MoRef lease = startLease(vm, info);
    AtomicLong done = new AtomicLong();
    long total = disks.stream().mapToLong(d -> d.info().capacityBytes()).sum();
    ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nfc-lease-progress"));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, disks.size())),
        r -> daemon(r, "nfc-download"));
    AtomicReference<String> keeperFailure = new AtomicReference<>();
    List<Path> written = new ArrayList<>();
    boolean completed = false;
    try {
      List<DeviceUrl> urls = waitReady(lease, info);
      if (urls.size() != disks.size()) {
        throw failed("the export lease of " + info.path() + " offers " + urls.size() + " disk(s), the VM has "
            + disks.size());
      }
      List<DeviceUrl> ordered = match(urls, disks);
      progress.start(total);
      ExportProgress counting = new ExportProgress() {
        @Override
        public void advance(long bytes) {
          done.addAndGet(bytes);
          progress.advance(bytes);
        }
      };
      reportProgress(lease, 0);
      // Reports run on their own thread, so a slow disk never starves the lease of keep-alives.
      keeper.scheduleAtFixedRate(() -> {
        try {
          reportProgress(lease, percent(done.get(), total));
        } catch (VimFault e) {
          keeperFailure.compareAndSet(null, e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, PROGRESS_PERIOD.toMillis(), PROGRESS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);

      List<Future<ExportedDisk>> futures = new ArrayList<>();
      for (int i = 0; i < disks.size(); i++) {
        VmHardware.Disk d = disks.get(i);
        DeviceUrl u = ordered.get(i);
        Path target = out.resolve(stem + "-disk" + (i + 1) + ".vmdk");
        written.add(target);
        int bootOrder = i;
        futures.add(pool.submit(() -> download(u, target, d, bootOrder, sink, counting)));
      }
      List<ExportedDisk> result = new ArrayList<>();
      try {
        for (Future<ExportedDisk> f : futures) {
          result.add(f.get());
        }
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof ProviderException pe) {
          throw pe;
        }
        if (c instanceof InterruptedException || c instanceof InterruptedIOException) {
          throw new InterruptedException("export interrupted");
        }
        throw failed("downloading a disk of " + info.path() + " failed: "
            + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()));
      }
      if (keeperFailure.get() != null) {
        throw failed("the export lease of " + info.path() + " was lost: " + keeperFailure.get());
      }
      keeper.shutdownNow();
      reportProgress(lease, 100);
      vim.invoke("HttpNfcLeaseComplete", lease, "");
      completed = true;
      progress.finish();
      return new Downloaded(result, ordered.stream().map(DeviceUrl::key).toList());
    } catch (VimFault e) {
      throw failed("exporting " + info.path() + " failed: " + e.getMessage());
    } finally {
      if (!completed) {
        cancelled.set(true);
        openDownloads.forEach(SocketHttpGet::abort);
      }
      pool.shutdownNow();
      keeper.shutdownNow();
      // Interrupted downloads remove their partial files; wait for that before the process may exit.
      awaitQuietly(pool);
      if (!completed) {
        abort(lease);
        for (Path p : written) {
          deleteQuietly(p);
        }
      }
    }
  }

  private MoRef startLease(MoRef vm, VmInfo info) throws ProviderException, InterruptedException {
    try {
      Element r = vim.invoke("ExportVm", vm, "");
      return Xml.child(r, "returnval").map(Xml::moRef).orElseThrow(() -> failed("ExportVm returned no lease"));
    } catch (VimFault e) {
      if (e.is("InvalidPowerState") || e.is("InvalidState")) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "VM " + info.path()
            + " cannot be exported in its current state (" + e.getMessage() + "); power it off first or pass --power-off");
      }
      throw failed("cannot start the export of " + info.path() + ": " + e.getMessage());
    }
  }

  /** Waits for the lease to leave {@code initializing}; returns its disk URLs. */
  private List<DeviceUrl> waitReady(MoRef lease, VmInfo info) throws VimFault, InterruptedException,
      ProviderException {
    PropertyCollector pc = new PropertyCollector(vim);
    long deadline = System.nanoTime() + LEASE_READY_TIMEOUT.toNanos();
    while (true) {
      ObjectContent c = pc.retrieveOne(lease, List.of("state", "error"));
      String state = c.text("state").orElse("");
      if (state.equals("ready")) {
        break;
      }
      if (state.equals("error")) {
        String why = c.val("error").flatMap(e -> Xml.text(e, "localizedMessage")).orElse("no reason given");
        throw failed("the export lease of " + info.path() + " failed: " + why);
      }
      if (System.nanoTime() > deadline) {
        throw failed("the export lease of " + info.path() + " was not ready within "
            + LEASE_READY_TIMEOUT.toMinutes() + " minutes");
      }
      Thread.sleep(500);
    }
    ObjectContent c = pc.retrieveOne(lease, List.of("info"));
    Element leaseInfo = c.val("info").orElseThrow(() -> failed("the export lease of " + info.path() + " has no info"));
    List<DeviceUrl> urls = new ArrayList<>();
    List<String> hostThumbprints = new ArrayList<>();
    for (Element d : Xml.children(leaseInfo, "deviceUrl")) {
      if (!Xml.text(d, "disk").map(Boolean::parseBoolean).orElse(true)) {
        continue; // e.g. NVRAM: not a disk, and not needed on KVM
      }
      Xml.text(d, "sslThumbprint").filter(t -> !t.isEmpty()).ifPresent(hostThumbprints::add);
      urls.add(new DeviceUrl(Xml.text(d, "key").orElse(""), resolve(Xml.text(d, "url").orElse("")),
          Xml.text(d, "targetId").orElse(null)));
    }
    vim.trustNfcHosts(hostThumbprints);
    return urls;
  }

  /** vCenter writes {@code *} for "the host you are talking to"; that becomes the connection's scheme and host. */
  URI resolve(String url) {
    URI u = URI.create(url);
    if ("*".equals(u.getHost()) || u.getRawAuthority() != null && u.getRawAuthority().startsWith("*")) {
      URI sdk = vim.sdk();
      return URI.create(sdk.getScheme() + "://" + sdk.getRawAuthority() + u.getRawPath()
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }
    return u;
  }

  /**
   * Pairs each disk (in boot order) with its URL: by controller, bus and unit when the device keys say
   * them (vCenter's {@code /vm-42/VirtualLsiLogicController0:1}), otherwise in device order, the order both
   * lists follow.
   */
  static List<DeviceUrl> match(List<DeviceUrl> urls, List<VmHardware.Disk> disks) {
    List<DeviceUrl> out = new ArrayList<>();
    boolean byKey = urls.stream().allMatch(u -> DEVICE_KEY.matcher(u.key()).find());
    List<VmHardware.Disk> inDeviceOrder = disks.stream()
        .sorted(Comparator.comparingInt(VmHardware.Disk::deviceOrder)).toList();
    for (VmHardware.Disk d : disks) {
      DeviceUrl found = null;
      if (byKey) {
        for (DeviceUrl u : urls) {
          Matcher m = DEVICE_KEY.matcher(u.key());
          if (m.find() && m.group(1).equals(d.controllerType()) && Integer.parseInt(m.group(2)) == d.busNumber()
              && Integer.parseInt(m.group(3)) == d.unitNumber()) {
            found = u;
          }
        }
      }
      out.add(found != null ? found : urls.get(inDeviceOrder.indexOf(d)));
    }
    return out;
  }

  /** One disk, retried from the start on a transient failure (network error or HTTP 5xx). */
  private ExportedDisk download(DeviceUrl u, Path target, VmHardware.Disk d, int bootOrder, DiskSink sink,
      ExportProgress progress) throws Exception {
    String failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) {
        Thread.sleep(1000L * (attempt - 1));
      }
      if (cancelled.get()) {
        throw new InterruptedException("export cancelled");
      }
      SocketHttpGet download;
      try {
        download = vim.download(u.url(), STALL_TIMEOUT);
      } catch (IOException e) {
        failure = String.valueOf(e.getMessage());
        continue;
      }
      // Registered before anything is sent: an abort must reach a request that waits for its answer.
      openDownloads.add(download);
      try (download) {
        if (cancelled.get()) {
          throw new InterruptedException("export cancelled");
        }
        int status = download.status();
        if (status != 200) {
          failure = "HTTP " + status + " for " + u.url().getRawPath();
          if (status >= 500) {
            continue;
          }
          throw failed("the server refused the download of " + d.info().label() + ": " + failure);
        }
        // NFC serves every disk as a streamOptimized VMDK.
        HashingCopy.Copied c = sink.write(download.body(), download.contentLength(), "vmdk", target, progress);
        return new ExportedDisk(d.info().id(), c.path().toString(), "vmdk", c.bytes(), c.sha256(), bootOrder,
            d.info().label());
      } catch (java.net.SocketTimeoutException e) {
        failure = "no data for " + STALL_TIMEOUT.toSeconds() + " s";
      } catch (InterruptedIOException e) {
        throw new InterruptedException("export interrupted");
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted() || cancelled.get()) {
          throw new InterruptedException("export interrupted");
        }
        failure = String.valueOf(e.getMessage());
      } finally {
        openDownloads.remove(download);
      }
    }
    throw failed("downloading " + (d.info().label() == null ? d.info().id() : d.info().label()) + " failed after "
        + ATTEMPTS + " attempts: " + failure);
  }

  private void reportProgress(MoRef lease, int percent) throws VimFault, InterruptedException {
    vim.invoke("HttpNfcLeaseProgress", lease, "<percent>" + percent + "</percent>");
  }

  /** Percent for the lease; below 100 until the end (compressed downloads are smaller than the capacity). */
  static int percent(long done, long total) {
    if (total <= 0) {
      return 0;
    }
    return (int) Math.min(99, done * 100 / total);
  }

  /** Aborts the lease even when this thread was interrupted (that is often why). */
  private void abort(MoRef lease) {
    boolean interrupted = Thread.interrupted();
    try {
      vim.invoke("HttpNfcLeaseAbort", lease, "");
    } catch (VimFault ignored) {
      // The lease then times out on the server by itself.
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    try {
      pool.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Left behind; the next export replaces it.
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static ProviderException failed(String message) {
    return new ProviderException(ProviderException.Kind.EXPORT_FAILED, message);
  }
}
