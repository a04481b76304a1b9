import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import io.hypersdk.providers.DiskSink;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.ovf.HashingCopy;
import io.hypersdk.providers.vsphere.VsphereProviderFactory;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.w3c.dom.Element;

/**
 * vSphere export throughput: the provider's real NFC export (ExportVm, lease, parallel GETs hashed while
 * streaming, fsync, lease complete, descriptor) from the vCenter simulator, against {@code curl} downloading
 * the same lease URLs with the same parallelism in the same run. See bench/README.md.
 *
 * <p>Arguments: the streamOptimized VMDKs to give the VM (2). Environment: BENCH_WORK (a temp dir the
 * wrapper owns and removes), BENCH_ROUNDS (3), BENCH_PARALLEL (3, the provider's default), BENCH_DISK_MIB
 * (the disks' capacity in the simulator), BENCH_CURL_SHA (1: also time curl + fsync and curl | tee | sha256sum + fsync).
 */
public final class VsphereExport {
  static final String VM = "/DC0/vm/DC0_H0_VM1";
  static final double TARGET = 0.9;
  static final double GIB = 1024.0 * 1024 * 1024;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(env("BENCH_WORK", null));
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "3"));
    String diskMib = env("BENCH_DISK_MIB", "512");
    boolean curlSha = !"0".equals(env("BENCH_CURL_SHA", "1"));
    List<Path> vmdks = Arrays.stream(args).map(Path::of).toList();
    long bytes = 0;
    for (Path p : vmdks) {
      bytes += Files.size(p);
    }

    // On SIGTERM/SIGINT the wrapper removes the work dir: stop the curls (and the simulator) first.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(
        ProcessHandle::destroy)));
    try (Vcsim sim = Vcsim.start(work.resolve("sim"), "-second-disk", "DC0_H0_VM1", "-disk-mib", diskMib)) {
      for (int i = 0; i < vmdks.size(); i++) {
        sim.putDisk(VM, i, vmdks.get(i));
      }
      Path pw = private0600(work.resolve("vcenter.pw"));
      Files.writeString(pw, Vcsim.PASSWORD + "\n", StandardCharsets.UTF_8);
      Map<String, String> settings = new HashMap<>(Map.of("url", sim.url(), "username", Vcsim.USER,
          "password_file", pw.toString(), "parallel", String.valueOf(parallel)));
      System.out.printf("simulator %s, VM %s, %d disk(s), %.1f MiB to download per export, parallel %d%n",
          sim.url(), VM, vmdks.size(), mib(bytes), parallel);

      // Untimed warm-up: powers the VM off (the simulator starts it powered on), warms the JIT and the page cache.
      Map<String, String> first = new HashMap<>(settings);
      first.put("power_off", "true");
      first.put("shutdown_timeout", "5");
      long t = System.nanoTime();
      ExportedVm warm = exportOnce(first, work.resolve("out-warmup"), vmdks);
      System.out.printf("warm-up export (untimed, powers the VM off): %.2f s, %s%n", secs(System.nanoTime() - t),
          warm.vm().powerState());
      deleteTree(work.resolve("out-warmup"));
      curlRound(sim, work.resolve("out-curl-warmup"), parallel, Curl.PLAIN);
      deleteTree(work.resolve("out-curl-warmup"));

      // Columns: the project, then the curl variants (plain is the target's baseline).
      List<Curl> variants = curlSha ? List.of(Curl.values()) : List.of(Curl.PLAIN);
      List<Double> project = new ArrayList<>();
      List<Double> projectCpu = new ArrayList<>();
      List<List<Double>> curl = new ArrayList<>();
      variants.forEach(v -> curl.add(new ArrayList<>()));
      System.out.println();
      StringBuilder head = new StringBuilder(String.format("%-7s %15s", "round", "project"));
      variants.forEach(v -> head.append(String.format(" %15s", v.label)));
      System.out.println(head.append(String.format(" %13s", "project/curl")).append("   (MiB/s)"));
      for (int r = 1; r <= rounds; r++) {
        Path out = work.resolve("out-project");
        sync();
        double cpu0 = cpuSeconds();
        long t0 = System.nanoTime();
        exportOnce(settings, out, vmdks);
        double p = mib(bytes) / secs(System.nanoTime() - t0);
        projectCpu.add(cpuSeconds() - cpu0);
        deleteTree(out);
        project.add(p);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7d %15.1f", r, p));
        for (int v = 0; v < variants.size(); v++) {
          Path cout = work.resolve("out-curl");
          sync();
          double c = mib(bytes) / curlRound(sim, cout, parallel, variants.get(v));
          deleteTree(cout);
          curl.get(v).add(c);
          line.append(String.format(Locale.ROOT, " %15.1f", c));
        }
        System.out.println(line.append(String.format(Locale.ROOT, " %13.2f", p / curl.get(0).get(r - 1))));
      }
      double mp = median(project);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7s %15.1f", "median", mp));
      curl.forEach(c -> line.append(String.format(Locale.ROOT, " %15.1f", median(c))));
      double ratio = mp / median(curl.get(0));
      System.out.println(line.append(String.format(Locale.ROOT, " %13.2f", ratio)));
      System.out.println();
      System.out.printf(Locale.ROOT, "project/curl = %.2f%n", ratio);
      for (int v = 1; v < variants.size(); v++) {
        double rv = mp / median(curl.get(v));
        System.out.printf(Locale.ROOT, "project/(%s) = %.2f%s%n", variants.get(v).label, rv,
            variants.get(v) == Curl.FSYNC ? String.format(Locale.ROOT, " (target >= %.1f: %s)", TARGET,
                rv >= TARGET ? "met" : "MISSED") : "");
      }
      System.out.printf(Locale.ROOT, "CPU of the project's export: %.2f s/GiB of VMDK (median)%n", median(projectCpu)
          / (bytes / GIB));

      streamingVsTwoPass(settings, work, vmdks, bytes, rounds);
    }
  }

  /**
   * The streaming export (each NFC stream goes straight into the native converter, as hyperexport --pipeline
   * does in direct mode) against the export to VMDK files followed by qemu-img convert of each disk, one after
   * the other as the converter runs them; both fsync their qcow2 files. Prints wall time, CPU seconds per GiB
   * of VMDK and the peak bytes in the output folder, each round and as medians, with the ratios.
   */
  static void streamingVsTwoPass(Map<String, String> settings, Path work, List<Path> vmdks, long bytes, int rounds)
      throws Exception {
    System.out.println();
    System.out.println("-- export and convert: streaming (native converter on the NFC stream) vs export, then "
        + "qemu-img convert --");
    System.out.printf("%-7s %28s %28s %12s %12s%n", "round", "streaming: s  CPU s/GiB  peak", "two-pass: s  CPU s/GiB  peak",
        "wall ratio", "peak ratio");
    List<Double> sWall = new ArrayList<>(), tWall = new ArrayList<>(), sCpu = new ArrayList<>(), tCpu = new ArrayList<>();
    List<Double> sPeak = new ArrayList<>(), tPeak = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Path out = work.resolve("out-stream");
      sync();
      double[] s = measure(out, () -> {
        List<Path> qcow2 = exportStreaming(settings, out, vmdks.size());
        fsync(qcow2);
        return qcow2;
      }, r == 1 ? vmdks : null);
      deleteTree(out);
      Path out2 = work.resolve("out-two-pass");
      sync();
      double[] t = measure(out2, () -> {
        exportOnce(settings, out2, vmdks);
        List<Path> qcow2 = new ArrayList<>();
        for (int i = 1; i <= vmdks.size(); i++) {
          Path q = out2.resolve("disk" + i + ".qcow2");
          run(List.of("qemu-img", "convert", "-f", "vmdk", "-O", "qcow2",
              out2.resolve("DC0_H0_VM1-disk" + i + ".vmdk").toString(), q.toString()));
          qcow2.add(q);
        }
        fsync(qcow2);
        return qcow2;
      }, r == 1 ? vmdks : null);
      deleteTree(out2);
      sWall.add(s[0]); sCpu.add(s[1]); sPeak.add(s[2]); tWall.add(t[0]); tCpu.add(t[1]); tPeak.add(t[2]);
      System.out.printf(Locale.ROOT, "%-7d %8.2f %9.2f %8.1fM %8.2f %9.2f %8.1fM %12.2f %12.2f%n", r, s[0],
          s[1] / (bytes / GIB), mib((long) s[2]), t[0], t[1] / (bytes / GIB), mib((long) t[2]), s[0] / t[0], s[2] / t[2]);
    }
    double wall = median(sWall) / median(tWall);
    double peak = median(sPeak) / median(tPeak);
    System.out.printf(Locale.ROOT, "%-7s %8.2f %9.2f %8.1fM %8.2f %9.2f %8.1fM %12.2f %12.2f%n", "median",
        median(sWall), median(sCpu) / (bytes / GIB), mib((long) median(sPeak)), median(tWall),
        median(tCpu) / (bytes / GIB), mib((long) median(tPeak)), wall, peak);
    System.out.println();
    System.out.printf(Locale.ROOT, "streaming/two-pass wall time = %.2f (target <= 0.6): %s%n", wall,
        wall <= 0.6 ? "met" : "MISSED");
    System.out.printf(Locale.ROOT, "streaming/two-pass peak disk usage = %.2f (target <= 0.5): %s%n", peak,
        peak <= 0.5 ? "met" : "MISSED");
    System.out.println("(CPU = this JVM plus the qemu-img processes it waited for; the simulator's own CPU is not "
        + "counted; per GiB of VMDK downloaded. Round 1 checks each qcow2 against its VMDK with qemu-img compare.)");
  }

  /** A step of a measured path; returns the qcow2 files it made. */
  interface MeasuredPath {
    List<Path> run() throws Exception;
  }

  /**
   * Runs {@code path} and returns {wall s, CPU s, peak bytes under {@code out}}; with {@code sources}, checks
   * each qcow2 against its source afterwards (untimed).
   */
  static double[] measure(Path out, MeasuredPath path, List<Path> sources) throws Exception {
    long[] peak = {0};
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak[0] = Math.max(peak[0], treeBytes(out));
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "peak-sampler");
    sampler.setDaemon(true);
    double cpu0 = cpuSeconds();
    long t0 = System.nanoTime();
    sampler.start();
    List<Path> qcow2 = path.run();
    double wall = secs(System.nanoTime() - t0);
    double cpu = cpuSeconds() - cpu0;
    sampler.interrupt();
    sampler.join();
    peak[0] = Math.max(peak[0], treeBytes(out));
    if (sources != null) {
      for (int i = 0; i < sources.size(); i++) {
        run(List.of("qemu-img", "compare", "-f", "vmdk", "-F", "qcow2", sources.get(i).toString(),
            qcow2.get(i).toString()));
      }
    }
    return new double[] {wall, cpu, peak[0]};
  }

  /** The export with every disk converted by the native converter while it downloads; returns the qcow2 files. */
  static List<Path> exportStreaming(Map<String, String> settings, Path out, int disks) throws Exception {
    Files.createDirectories(out);
    DiskSink converting = (in, limit, format, target, progress) -> {
      try {
        NativeConverter.Result r = NativeConverter.defaults().convert(in, SourceFormat.VMDK_STREAM_OPTIMIZED, limit,
            out.resolve(target.getFileName() + ".qcow2"));
        return new HashingCopy.Copied(target, r.sourceBytes(), r.sourceSha256());
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException("interrupted");
      }
    };
    try (Provider p = new VsphereProviderFactory().open(new ProviderSettings(settings))) {
      ExportedVm vm = p.export(new ExportRequest(VM, out, ExportFormat.OVF, converting), ExportProgress.NONE);
      return vm.disks().stream().map(d -> Path.of(d.path() + ".qcow2")).toList();
    }
  }

  /** Bytes in the regular files under {@code dir}, 0 when it does not exist (yet). */
  static long treeBytes(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.mapToLong(p -> {
        try {
          return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** CPU seconds of this JVM and of the child processes it has waited for (utime, stime, cutime, cstime). */
  static double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14-17 of proc(5), counted from field 3 (state) here; clock ticks are 100 per second on Linux.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return ticks / 100.0;
  }

  static void fsync(List<Path> files) throws IOException {
    for (Path f : files) {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
          java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output.strip());
    }
  }

  /** The baselines: curl alone; curl then fsync of each file; curl | tee | sha256sum then fsync (the project's work). */
  enum Curl {
    PLAIN("curl"), FSYNC("curl+fsync"), SHA_FSYNC("curl+sha+fsync");

    final String label;

    Curl(String label) {
      this.label = label;
    }
  }

  /** One export through the provider API, the way hyperexport runs it; checks every disk's size and hash. */
  static ExportedVm exportOnce(Map<String, String> settings, Path out, List<Path> sources) throws Exception {
    try (Provider p = new VsphereProviderFactory().open(new ProviderSettings(settings))) {
      ExportedVm vm = p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE);
      if (vm.disks().size() != sources.size()) {
        throw new IllegalStateException("export wrote " + vm.disks().size() + " disks, expected " + sources.size());
      }
      for (int i = 0; i < sources.size(); i++) {
        ExportedDisk d = vm.disks().get(i);
        if (d.bytes() != Files.size(sources.get(i))) {
          throw new IllegalStateException("disk " + (i + 1) + ": " + d.bytes() + " bytes, source has "
              + Files.size(sources.get(i)));
        }
      }
      return vm;
    }
  }

  /**
   * The baseline: Login, ExportVm, wait for the lease, then curl every device URL (at most {@code parallel}
   * at once) with the session cookie from a 0600 config file, then HttpNfcLeaseComplete and Logout.
   * Returns the seconds from Login to Logout.
   */
  static double curlRound(Vcsim sim, Path out, int parallel, Curl mode) throws Exception {
    Files.createDirectories(out);
    Soap soap = new Soap(URI.create(sim.url()));
    long t0 = System.nanoTime();
    Element sc = Xml.child(soap.call("RetrieveServiceContent", new MoRef("ServiceInstance", "ServiceInstance"), ""),
        "returnval").orElseThrow();
    MoRef sessions = Xml.moRef(Xml.child(sc, "sessionManager").orElseThrow());
    MoRef search = Xml.moRef(Xml.child(sc, "searchIndex").orElseThrow());
    MoRef pc = Xml.moRef(Xml.child(sc, "propertyCollector").orElseThrow());
    soap.call("Login", sessions, "<userName>" + Xml.escape(Vcsim.USER) + "</userName><password>"
        + Xml.escape(Vcsim.PASSWORD) + "</password>");
    if (soap.cookie == null) {
      throw new IllegalStateException("Login set no vmware_soap_session cookie");
    }
    MoRef vm = Xml.moRef(Xml.child(soap.call("FindByInventoryPath", search, "<inventoryPath>" + Xml.escape(VM)
        + "</inventoryPath>"), "returnval").orElseThrow(() -> new IllegalStateException("no VM " + VM)));
    MoRef lease = Xml.moRef(Xml.child(soap.call("ExportVm", vm, ""), "returnval").orElseThrow());
    boolean completed = false;
    Path config = out.resolve(".curl-cookie.cfg");
    try {
      while (true) {
        String state = Xml.find(property(soap, pc, lease, "state"), "val").map(e -> e.getTextContent().strip())
            .orElse("");
        if (state.equals("ready")) {
          break;
        }
        if (state.equals("error")) {
          throw new IllegalStateException("the lease failed");
        }
        Thread.sleep(100);
      }
      Element info = Xml.find(property(soap, pc, lease, "info"), "val").orElseThrow();
      List<String> urls = new ArrayList<>();
      for (Element d : Xml.children(info, "deviceUrl")) {
        String u = Xml.text(d, "url").orElseThrow();
        URI sdk = URI.create(sim.url());
        urls.add(u.replaceFirst("^https://\\*", sdk.getScheme() + "://" + sdk.getRawAuthority()));
      }
      // The cookie goes only into a file only this user can read, never on a command line.
      private0600(config);
      Files.writeString(config, "cookie = \"vmware_soap_session=" + soap.cookie + "\"\n", StandardCharsets.UTF_8);
      List<Process> running = new ArrayList<>();
      for (int i = 0; i < urls.size(); i++) {
        while (running.size() >= parallel) {
          waitOne(running);
        }
        Path target = out.resolve("disk" + (i + 1) + ".vmdk");
        // Positional parameters keep the URL and paths out of the script text; the cookie is only in the file.
        String script = switch (mode) {
          case PLAIN -> "exec curl -sS --fail -K \"$1\" -o \"$3\" \"$2\"";
          case FSYNC -> "curl -sS --fail -K \"$1\" -o \"$3\" \"$2\" && sync \"$3\"";
          case SHA_FSYNC -> "set -o pipefail; curl -sS --fail -K \"$1\" \"$2\" | tee \"$3\" | sha256sum > \"$3.sha256\""
              + " && sync \"$3\"";
        };
        List<String> cmd = List.of("bash", "-c", script, "curl-" + mode.name().toLowerCase(Locale.ROOT),
            config.toString(), urls.get(i), target.toString());
        running.add(new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
      while (!running.isEmpty()) {
        waitOne(running);
      }
      soap.call("HttpNfcLeaseComplete", lease, "");
      completed = true;
    } finally {
      Files.deleteIfExists(config);
      if (!completed) {
        try {
          soap.call("HttpNfcLeaseAbort", lease, "");
        } catch (Exception ignored) {
          // The simulator drops it with the session.
        }
      }
      soap.call("Logout", sessions, "");
    }
    return secs(System.nanoTime() - t0);
  }

  static void waitOne(List<Process> running) throws InterruptedException {
    Process p = running.remove(0);
    int rc = p.waitFor();
    if (rc != 0) {
      running.forEach(Process::destroy);
      throw new IllegalStateException("curl exited with " + rc);
    }
  }

  static Element property(Soap soap, MoRef pc, MoRef obj, String path) throws Exception {
    return soap.call("RetrieveProperties", pc, "<specSet><propSet><type>" + obj.type() + "</type><pathSet>" + path
        + "</pathSet></propSet><objectSet>" + obj.xml("obj") + "</objectSet></specSet>");
  }

  /** A minimal vim25 SOAP client for the baseline: it keeps the session cookie so curl can be given it. */
  static final class Soap {
    final URI sdk;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String cookie;

    Soap(URI sdk) {
      this.sdk = sdk;
    }

    Element call(String method, MoRef target, String params) throws Exception {
      String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
          + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><" + method
          + " xmlns=\"urn:vim25\">" + target.xml("_this") + params + "</" + method + "></soapenv:Body></soapenv:Envelope>";
      HttpRequest.Builder rb = HttpRequest.newBuilder(sdk).timeout(Duration.ofMinutes(1))
          .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:vim25/6.5")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (cookie != null) {
        rb.header("Cookie", "vmware_soap_session=" + cookie);
      }
      HttpResponse<byte[]> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
      for (String h : resp.headers().allValues("set-cookie")) {
        String kv = h.split(";", 2)[0].strip();
        if (kv.startsWith("vmware_soap_session=")) {
          cookie = kv.substring("vmware_soap_session=".length());
        }
      }
      Element soapBody = Xml.child(Xml.parse(resp.body()).getDocumentElement(), "Body").orElseThrow();
      if (Xml.child(soapBody, "Fault").isPresent()) {
        throw new IllegalStateException(method + " failed: " + Xml.text(Xml.child(soapBody, "Fault").get(),
            "faultstring").orElse("?"));
      }
      return Xml.child(soapBody, method + "Response").orElseThrow(() -> new IllegalStateException(
          method + ": no response element"));
    }
  }

  static Path private0600(Path p) throws IOException {
    Files.deleteIfExists(p);
    Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return p;
  }

  static void sync() throws Exception {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  static double secs(long nanos) {
    return nanos / 1e9;
  }

  static String env(String key, String otherwise) {
    String v = System.getenv(key);
    if (v == null || v.isBlank()) {
      if (otherwise == null) {
        throw new IllegalStateException(key + " is not set; run bench/vsphere-export.sh");
      }
      return otherwise;
    }
    return v;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
