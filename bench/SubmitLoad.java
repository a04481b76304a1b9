import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * hypervisord submission load: N submissions over loopback from C concurrent clients, then a check that every
 * job is in the store exactly once. The baseline, in the same run, is the same request pattern against
 * GET /health: the HTTP floor of the same server, without validation or the SQLite write.
 *
 * Usage: java bench/SubmitLoad.java BASE_URL TOKEN SUBMISSIONS CLIENTS VM_PATH OUTPUT_DIR
 */
public final class SubmitLoad {
  private static final Pattern JOB_ID = Pattern.compile("\"job_ids\"\\s*:\\s*\\[\\s*\"([^\"]+)\"");
  private static final Pattern LISTED_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(bench-[0-9]+)\"");

  public static void main(String[] a) throws Exception {
    String base = a[0];
    String token = a[1];
    int n = Integer.parseInt(a[2]);
    int clients = Integer.parseInt(a[3]);
    String vmPath = a[4];
    String outputDir = a[5];
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    // Warm both paths so neither pays for the server's class loading and JIT alone.
    for (int i = 0; i < 50; i++) {
      send(http, health(base));
    }
    Result floor = run(http, n, clients, i -> health(base));
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    AtomicInteger rejected = new AtomicInteger();
    Result submit = run(http, n, clients, i -> submit(base, token, i, vmPath, outputDir), (i, body, status) -> {
      Matcher m = JOB_ID.matcher(body);
      if (status == 200 && m.find() && body.replace(" ", "").contains("\"accepted\":1")) {
        ids.add(m.group(1));
      } else {
        rejected.incrementAndGet();
        System.err.println("submission " + i + " not accepted: HTTP " + status + " " + body);
      }
    });

    // Every accepted id must be in the store exactly once, with its own name.
    String listing = send(http, HttpRequest.newBuilder(URI.create(base + "/jobs?limit=1000"))
        .header("Authorization", "Bearer " + token).GET().build()).body;
    List<String> listed = new ArrayList<>();
    Matcher lm = LISTED_ID.matcher(listing);
    while (lm.find()) {
      listed.add(lm.group(1));
    }
    Set<String> names = new HashSet<>();
    Matcher nm = NAME.matcher(listing);
    while (nm.find()) {
      names.add(nm.group(1));
    }
    Set<String> accepted = new HashSet<>(ids);
    Set<String> stored = new HashSet<>(listed);
    // An id handed out twice is a duplicate; so is a store holding more jobs than were sent (a job's id appears
    // twice in the listing, at the top and in its definition, hence the distinct set).
    int duplicates = ids.size() - accepted.size() + Math.max(0, stored.size() - n);
    int lost = 0;
    for (String id : accepted) {
      if (!stored.contains(id)) {
        lost++;
      }
    }

    System.out.printf(Locale.ROOT, "%-34s %8s %12s %10s %10s %10s%n", "", "requests", "req/s", "p50 ms", "p99 ms",
        "max ms");
    print("baseline: GET /health", floor);
    print("POST /jobs/submit (one job each)", submit);
    System.out.printf(Locale.ROOT, "%nsubmissions: %d sent, %d accepted, %d rejected; in the store: %d jobs, %d "
        + "distinct names; lost: %d, duplicated: %d%n", n, ids.size(), rejected.get(), stored.size(), names.size(),
        lost, duplicates);
    System.out.printf(Locale.ROOT, "submit / health: throughput %.2fx, p99 latency %.2fx%n",
        submit.perSecond() / floor.perSecond(), submit.p(99) / floor.p(99));
    System.exit(lost == 0 && duplicates == 0 && rejected.get() == 0 && stored.size() == n && names.size() == n ? 0 : 1);
  }

  interface Requests {
    HttpRequest make(int i);
  }

  interface Check {
    void check(int i, String body, int status);
  }

  record Result(int count, long wallNanos, List<Double> latenciesMs) {
    double perSecond() {
      return count / (wallNanos / 1e9);
    }

    double p(double pct) {
      List<Double> s = new ArrayList<>(latenciesMs);
      Collections.sort(s);
      int k = (int) Math.ceil(pct / 100 * s.size()) - 1;
      return s.get(Math.max(0, Math.min(s.size() - 1, k)));
    }
  }

  record Reply(int status, String body) {}

  static Result run(HttpClient http, int n, int clients, Requests requests) throws InterruptedException {
    return run(http, n, clients, requests, (i, b, s) -> { });
  }

  static Result run(HttpClient http, int n, int clients, Requests requests, Check check)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<Double> lat = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(clients);
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try {
          for (int i; (i = next.getAndIncrement()) < n; ) {
            long s = System.nanoTime();
            Reply r = send(http, requests.make(i));
            lat.add((System.nanoTime() - s) / 1e6);
            check.check(i, r.body, r.status);
          }
        } catch (Exception e) {
          System.err.println("client failed: " + e);
        } finally {
          done.countDown();
        }
      });
      t.start();
    }
    done.await();
    return new Result(lat.size(), System.nanoTime() - t0, new ArrayList<>(lat));
  }

  static HttpRequest health(String base) {
    return HttpRequest.newBuilder(URI.create(base + "/health")).GET().build();
  }

  static HttpRequest submit(String base, String token, int i, String vmPath, String outputDir) {
    String job = String.format(Locale.ROOT, "{\"name\":\"bench-%d\",\"vm_path\":\"%s\",\"output_dir\":\"%s/%d\","
        + "\"format\":\"ovf\",\"provider\":\"local\",\"options\":{\"enable_pipeline\":false}}", i, vmPath, outputDir, i);
    return HttpRequest.newBuilder(URI.create(base + "/jobs/submit")).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job)).build();
  }

  static Reply send(HttpClient http, HttpRequest r) throws Exception {
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Reply(resp.statusCode(), resp.body());
  }

  static void print(String what, Result r) {
    System.out.printf(Locale.ROOT, "%-34s %8d %12.1f %10.2f %10.2f %10.2f%n", what, r.count(), r.perSecond(), r.p(50),
        r.p(99), r.p(100));
  }
}
