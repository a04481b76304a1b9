import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
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
          "password-file", pw.toString(), "parallel", String.valueOf(parallel)));
      System.out.printf("simulator %s, VM %s, %d disk(s), %.1f MiB to download per export, parallel %d%n",
          sim.url(), VM, vmdks.size(), mib(bytes), parallel);

      // Untimed warm-up: powers the VM off (the simulator starts it powered on), warms the JIT and the page cache.
      Map<String, String> first = new HashMap<>(settings);
      first.put("power-off", "true");
      first.put("shutdown-timeout", "5");
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
      List<List<Double>> curl = new ArrayList<>();
      variants.forEach(v -> curl.add(new ArrayList<>()));
      System.out.println();
      StringBuilder head = new StringBuilder(String.format("%-7s %15s", "round", "project"));
      variants.forEach(v -> head.append(String.format(" %15s", v.label)));
      System.out.println(head.append(String.format(" %13s", "project/curl")).append("   (MiB/s)"));
      for (int r = 1; r <= rounds; r++) {
        Path out = work.resolve("out-project");
        sync();
        long t0 = System.nanoTime();
        exportOnce(settings, out, vmdks);
        double p = mib(bytes) / secs(System.nanoTime() - t0);
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
      System.out.printf(Locale.ROOT, "project/curl = %.2f (target >= %.1f with sha256 on): %s%n", ratio, TARGET,
          ratio >= TARGET ? "met" : "MISSED");
      for (int v = 1; v < variants.size(); v++) {
        System.out.printf(Locale.ROOT, "project/(%s) = %.2f%n", variants.get(v).label, mp / median(curl.get(v)));
      }
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
