package io.hypersdk.providers.gcp.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A WireMock server answering as Google's OAuth token endpoint, Compute Engine, Cloud Build and Cloud Storage
 * do (JSON shapes of their REST references: long-running operations, the build resource, ranged media reads
 * with {@code x-goog-hash}), for one running instance {@code web01} in {@code europe-west1-b} with a boot disk and
 * a data disk. The image-export build is played for real: at its creation the fixture writes the disk as qcow2
 * (qemu-img) or as image.tar.gz holding a sparse disk.raw (GNU tar --sparse), and serves that object.
 */
public final class GcpFixture implements AutoCloseable {
  public static final String PROJECT = "hypersdk-test";
  public static final String ZONE = "europe-west1-b";
  public static final String NAME = "web01";
  public static final String INSTANCE_ID = "4417234512345678901";
  public static final String BOOT_DISK = "web01";
  public static final String DATA_DISK = "web01-data";
  public static final String BUCKET = "hypersdk-staging";
  public static final String TOKEN = "ya29.fixture-token-not-real";
  public static final long DISK_BYTES = 1L << 30;
  public static final int BLOCK = 1 << 20;
  /** The 1 MiB blocks holding data per disk; the boot disk's last block ends the disk. */
  public static final Map<String, int[]> BLOCKS = Map.of(BOOT_DISK, new int[] {0, 1, 7, 1023},
      DATA_DISK, new int[] {3, 4});
  private static final String API = "/compute/v1/projects/" + PROJECT;
  private static final ObjectMapper JSON = new ObjectMapper();

  public final WireMockServer server;
  private final Path dir;
  private final KeyPair key;
  private final Emulation emulation = new Emulation();
  private final List<StubMapping> faults = new ArrayList<>();
  private LeanStorage lean;

  /** {@code dir} holds the disks and the staged objects. */
  public GcpFixture(Path dir) {
    this(dir, true);
  }

  /** {@code journal} false: no request journal (a benchmark's bodies would fill the heap). */
  public GcpFixture(Path dir, boolean journal) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      key = g.generateKeyPair();
      Random r = new Random(17);
      for (var e : BLOCKS.entrySet()) {
        Path d = Files.createDirectories(dir.resolve("disks").resolve(e.getKey())).resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(d.toFile(), "rw")) {
          f.setLength(DISK_BYTES);
          for (int i : e.getValue()) {
            byte[] b = new byte[BLOCK];
            r.nextBytes(b);
            f.seek((long) i * BLOCK);
            f.write(b);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    var config = wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(emulation);
    server = new WireMockServer(journal ? config : config.disableRequestJournal());
    server.start();
    // Without the token the token endpoint gave out, every API answers 401, as Google's do.
    server.stubFor(any(anyUrl()).atPriority(100).willReturn(json(401, error(401, "Request had invalid authentication "
        + "credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        "UNAUTHENTICATED", null))));
    server.stubFor(post(urlPathEqualTo("/token")).atPriority(5).willReturn(aResponse().withTransformers("gcp")));
    authorized(any(urlPathMatching("/(compute|storage|v1)/.*")), 50, aResponse().withTransformers("gcp"));
    authorized(get(urlPathEqualTo(API + "/zones/" + ZONE + "/instances")), 10,
        json(200, list("compute#instanceList", instance(NAME, INSTANCE_ID))));
    authorized(get(urlPathEqualTo(API + "/zones/" + ZONE + "/instances/" + NAME)), 10,
        json(200, instance(NAME, INSTANCE_ID).toString()));
    aggregated(instance(NAME, INSTANCE_ID));
    authorized(get(urlPathEqualTo(API + "/zones/" + ZONE + "/machineTypes/n2-standard-2")), 10, json(200,
        "{\"kind\":\"compute#machineType\",\"id\":\"801002\",\"name\":\"n2-standard-2\",\"description\":\"2 vCPUs, "
            + "8 GB RAM\",\"guestCpus\":2,\"memoryMb\":8192,\"zone\":\"" + ZONE + "\",\"selfLink\":\""
            + link("zones/" + ZONE + "/machineTypes/n2-standard-2") + "\"}"));
    disk(BOOT_DISK, "[{\"type\":\"UEFI_COMPATIBLE\"},{\"type\":\"VIRTIO_SCSI_MULTIQUEUE\"},{\"type\":\"GVNIC\"}]",
        "[\"https://www.googleapis.com/compute/v1/projects/debian-cloud/global/licenses/debian-12-bookworm\"]");
    disk(DATA_DISK, "[]", "[]");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A service-account key file whose token_uri is this server, signed with the key the fixture checks. */
  public Path keyFile(Path file) {
    return writeKey(file, key);
  }

  /** A key file of the right shape whose key the token endpoint does not know: Google answers invalid_grant. */
  public Path revokedKeyFile(Path file) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return writeKey(file, g.generateKeyPair());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path writeKey(Path file, KeyPair pair) {
    ObjectNode k = JSON.createObjectNode().put("type", "service_account").put("project_id", PROJECT)
        .put("private_key_id", "0123456789abcdef").put("private_key", "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n")
        .put("client_email", "exporter@" + PROJECT + ".iam.gserviceaccount.com").put("client_id", "1234567890")
        .put("token_uri", endpoint() + "/token");
    try {
      Files.writeString(file, k.toPrettyString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The disk's bytes as the instance has them: a sparse raw file. */
  public Path expectedDisk(String disk) {
    return dir.resolve("disks").resolve(disk).resolve("disk.raw");
  }

  /** Answers a Compute or Cloud Build call (method, path regex) with Google's error document. */
  public void error(String method, String pathRegex, int status, String message, String reason) {
    faults.add(authorized(com.github.tomakehurst.wiremock.client.WireMock.request(method,
        urlPathMatching(pathRegex)), 1, json(status, error(status, message, status == 403 ? "PERMISSION_DENIED"
        : "INVALID_ARGUMENT", reason))));
  }

  /** Drops the connection of every media read of a staged object, as a broken network does. */
  public void dropMedia() {
    faults.add(server.stubFor(get(urlPathMatching("/storage/v1/b/" + BUCKET + "/o/.*"))
        .withQueryParam("alt", equalTo("media")).atPriority(1)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));
  }

  /** Ends every fault: the services work again. */
  public void heal() {
    faults.forEach(server::removeStub);
    faults.clear();
  }

  /** Builds fail in their export step, as the builder does for a disk it refuses, with its log in the logs bucket. */
  public void refuseExport(String line) {
    emulation.failWith = line;
  }

  /** Snapshots asked to flush the guest fail, as for a guest without a working guest agent. */
  public void noGuestFlush() {
    emulation.noGuestFlush = true;
  }

  /** Builds stay WORKING until cancelled. */
  public void slowBuilds() {
    emulation.slow = true;
  }

  /**
   * Fills the first {@code mib} MiB of both disks with data (the whole disk for benchmarks): every 1 MiB block is
   * one of ten random blocks, so the staged objects are about that large. {@link #BLOCKS} no longer describes them.
   */
  public void dense(int mib) {
    Random r = new Random(31);
    byte[][] ten = new byte[10][BLOCK];
    for (byte[] b : ten) {
      r.nextBytes(b);
    }
    for (String disk : BLOCKS.keySet()) {
      try (RandomAccessFile f = new RandomAccessFile(expectedDisk(disk).toFile(), "rw")) {
        for (int i = 0; i < Math.min(mib, DISK_BYTES / BLOCK); i++) {
          f.write(ten[(i + disk.length()) % 10]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Drops the connection of every read of {@code range} (an HTTP Range value) of the staged disk {@code index}. */
  public void dropRange(int index, String range) {
    faults.add(server.stubFor(get(urlPathMatching("/storage/v1/b/" + BUCKET + "/o/.*hxi-" + NAME + "-" + index
        + "-.*")).withHeader("Range", equalTo(range)).atPriority(1)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));
  }

  /**
   * A Cloud Storage endpoint for the same bucket on a plain JDK HttpServer ({@link LeanStorage}): media, metadata,
   * listing and delete of the staged objects, without WireMock's per-response work, and without its faults. For
   * benchmarks, where the server should cost little and the same for curl and the exporter.
   */
  public synchronized String leanStorageEndpoint() {
    if (lean == null) {
      lean = new LeanStorage(emulation.objects);
    }
    return lean.endpoint();
  }

  /**
   * Stages {@code disk} in {@code format} (qcow2, vmdk, or empty for image.tar.gz) as object {@code name} of the
   * staging bucket, as a finished build would, and returns its media URL on {@code storageEndpoint} (this
   * fixture's {@link #endpoint()} or {@link #leanStorageEndpoint()}): what a benchmark's curl fetches.
   */
  public String publish(String name, String disk, String format, String storageEndpoint) {
    try {
      emulation.objects.put(name, emulation.staged(disk, format));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return storageEndpoint + "/storage/v1/b/" + BUCKET + "/o/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "?alt=media";
  }

  /** The size of {@code disk} as the builder stages it in {@code format}. */
  public long stagedSize(String disk, String format) {
    try {
      return Files.size(emulation.staged(disk, format));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The size of staged object {@code name}. */
  public long objectSize(String name) {
    try {
      return Files.size(emulation.objects.get(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes the instance also exist, stopped, in zone us-central1-a. */
  public void twin() {
    ObjectNode twin = instance(NAME, "4417234512345678902");
    twin.put("zone", link("zones/us-central1-a")).put("status", "TERMINATED");
    aggregated(instance(NAME, INSTANCE_ID), twin);
  }

  /** The snapshots, images, staged objects and running builds the export created and did not delete. */
  public Set<String> leftovers() {
    Set<String> s = new TreeSet<>();
    emulation.snapshots.keySet().forEach(n -> s.add("snapshot " + n));
    emulation.images.keySet().forEach(n -> s.add("image " + n));
    emulation.objects.keySet().forEach(n -> s.add("object " + n));
    emulation.builds.forEach((id, b) -> {
      if (b.status().equals("WORKING")) {
        s.add("build " + id);
      }
    });
    return s;
  }

  /** How many resources of {@code kind} (snapshot, image, object, build) the export created. */
  public int created(String kind) {
    return emulation.created.getOrDefault(kind, new AtomicInteger()).get();
  }

  /** Requests whose method and path match, from WireMock's journal. */
  public int requests(String method, String pathRegex) {
    return (int) server.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals(method)
        && e.getRequest().getUrl().replaceFirst("\\?.*", "").matches(pathRegex)).count();
  }

  /** The bytes of the media responses (alt=media) to requests whose path matches, from WireMock's journal. */
  public long mediaBytes(String pathRegex) {
    return server.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().contains("alt=media")
        && e.getRequest().getUrl().replaceFirst("\\?.*", "").matches(pathRegex))
        .mapToLong(e -> e.getResponse().getBody() == null ? 0 : e.getResponse().getBody().length).sum();
  }

  /** The create-snapshot requests' query strings (guestFlush). */
  public List<String> snapshotRequests() {
    return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
        .filter(r -> r.getUrl().contains("/createSnapshot")).map(Request::getUrl).toList();
  }

  /** The args of every image-export build submitted. */
  public List<List<String>> buildArgs() {
    return emulation.builds.values().stream().map(Build::args).toList();
  }

  @Override
  public synchronized void close() {
    if (lean != null) {
      lean.close();
    }
    server.stop();
  }

  private StubMapping authorized(com.github.tomakehurst.wiremock.client.MappingBuilder m, int priority,
      ResponseDefinitionBuilder r) {
    return server.stubFor(m.withHeader("Authorization", equalTo("Bearer " + TOKEN)).atPriority(priority)
        .willReturn(r));
  }

  private void aggregated(ObjectNode... instances) {
    ObjectNode items = JSON.createObjectNode();
    for (ObjectNode i : instances) {
      String zone = i.path("zone").asText().replaceFirst(".*/", "");
      ((ArrayNode) items.withObject("/zones~1" + zone).withArray("instances")).add(i);
    }
    items.putObject("zones/asia-east1-a").putObject("warning").put("code", "NO_RESULTS_ON_PAGE")
        .put("message", "There are no results for scope 'zones/asia-east1-a' on this page.");
    ObjectNode body = JSON.createObjectNode().put("kind", "compute#instanceAggregatedList")
        .put("id", "projects/" + PROJECT + "/aggregated/instances");
    body.set("items", items);
    body.put("selfLink", link("aggregated/instances"));
    authorized(get(urlPathEqualTo(API + "/aggregated/instances")), 10, json(200, body.toString()));
  }

  private void disk(String name, String features, String licenses) {
    authorized(get(urlPathEqualTo(API + "/zones/" + ZONE + "/disks/" + name)), 10, json(200, "{\"kind\":"
        + "\"compute#disk\",\"id\":\"77" + name.length() + "\",\"name\":\"" + name + "\",\"sizeGb\":\""
        + (DISK_BYTES >> 30) + "\",\"zone\":\"" + link("zones/" + ZONE) + "\",\"status\":\"READY\",\"selfLink\":\""
        + link("zones/" + ZONE + "/disks/" + name) + "\",\"type\":\"" + link("zones/" + ZONE + "/diskTypes/pd-balanced")
        + "\",\"guestOsFeatures\":" + features + ",\"licenses\":" + licenses + ",\"architecture\":\"X86_64\","
        + "\"users\":[\"" + link("zones/" + ZONE + "/instances/" + NAME) + "\"],\"physicalBlockSizeBytes\":\"4096\"}"));
  }

  private static ObjectNode instance(String name, String id) {
    try {
      return (ObjectNode) JSON.readTree("{\"kind\":\"compute#instance\",\"id\":\"" + id + "\",\"name\":\"" + name
          + "\",\"creationTimestamp\":\"2026-11-02T09:14:07.121-08:00\",\"machineType\":\""
          + link("zones/" + ZONE + "/machineTypes/n2-standard-2") + "\",\"status\":\"RUNNING\",\"zone\":\""
          + link("zones/" + ZONE) + "\",\"canIpForward\":false,\"networkInterfaces\":[{\"kind\":"
          + "\"compute#networkInterface\",\"network\":\"" + link("global/networks/default") + "\",\"subnetwork\":\""
          + link("regions/europe-west1/subnetworks/default") + "\",\"networkIP\":\"10.132.0.5\",\"name\":\"nic0\","
          + "\"nicType\":\"GVNIC\",\"stackType\":\"IPV4_ONLY\",\"fingerprint\":\"Nk2pGv8n8rE=\"}],"
          // The data disk is listed first: the boot disk must still come first.
          + "\"disks\":[{\"kind\":\"compute#attachedDisk\",\"type\":\"PERSISTENT\",\"mode\":\"READ_WRITE\","
          + "\"source\":\"" + link("zones/" + ZONE + "/disks/" + DATA_DISK) + "\",\"deviceName\":\"data\","
          + "\"index\":1,\"boot\":false,\"autoDelete\":false,\"interface\":\"SCSI\",\"diskSizeGb\":\"1\","
          + "\"architecture\":\"X86_64\"},"
          + "{\"kind\":\"compute#attachedDisk\",\"type\":\"PERSISTENT\",\"mode\":\"READ_WRITE\",\"source\":\""
          + link("zones/" + ZONE + "/disks/" + BOOT_DISK) + "\",\"deviceName\":\"persistent-disk-0\",\"index\":0,"
          + "\"boot\":true,\"autoDelete\":true,\"interface\":\"SCSI\",\"diskSizeGb\":\"1\",\"guestOsFeatures\":"
          + "[{\"type\":\"UEFI_COMPATIBLE\"},{\"type\":\"GVNIC\"}],\"architecture\":\"X86_64\"},"
          + "{\"kind\":\"compute#attachedDisk\",\"type\":\"SCRATCH\",\"mode\":\"READ_WRITE\",\"deviceName\":"
          + "\"local-ssd-0\",\"index\":2,\"boot\":false,\"autoDelete\":true,\"interface\":\"NVME\",\"diskSizeGb\":"
          + "\"375\"}],"
          + "\"shieldedInstanceConfig\":{\"enableSecureBoot\":true,\"enableVtpm\":true,"
          + "\"enableIntegrityMonitoring\":true},\"labels\":{\"env\":\"test\"},\"selfLink\":\""
          + link("zones/" + ZONE + "/instances/" + name) + "\",\"cpuPlatform\":\"Intel Cascade Lake\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String list(String kind, ObjectNode... items) {
    ObjectNode l = JSON.createObjectNode().put("kind", kind).put("id", "projects/" + PROJECT + "/zones/" + ZONE
        + "/instances");
    ArrayNode a = l.putArray("items");
    for (ObjectNode i : items) {
      a.add(i);
    }
    return l.toString();
  }

  /** The selfLink Google writes: always www.googleapis.com, whatever endpoint was called. */
  static String link(String path) {
    return "https://www.googleapis.com/compute/v1/projects/" + PROJECT + "/" + path;
  }

  private static String error(int code, String message, String status, String reason) {
    ObjectNode e = JSON.createObjectNode();
    ObjectNode err = e.putObject("error").put("code", code).put("message", message);
    if (reason != null) {
      err.putArray("errors").addObject().put("message", message).put("domain", reason.startsWith("quota")
          || reason.contains("Limit") ? "usageLimits" : "global").put("reason", reason);
    }
    err.put("status", status);
    return e.toString();
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
        .withBody(body);
  }

  /** One image-export build: its id, its image, the object it writes, and how far it got. */
  private record Build(String id, String image, String object, List<String> args, String status) {}

  /** The stateful side of the services: resources created by POST, read by GET, removed by DELETE. */
  private final class Emulation implements ResponseDefinitionTransformerV2 {
    private final Map<String, String> snapshots = new ConcurrentHashMap<>();
    private final Map<String, String> images = new ConcurrentHashMap<>();
    private final Map<String, Path> objects = new ConcurrentHashMap<>();
    private final Map<String, Build> builds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private volatile String failWith;
    private volatile boolean slow;
    private volatile boolean noGuestFlush;

    @Override
    public String getName() {
      return "gcp";
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      Request r = event.getRequest();
      String method = r.getMethod().getName();
      String path = URLDecoder.decode(r.getUrl().replaceFirst("\\?.*", ""), StandardCharsets.UTF_8);
      try {
        return route(method, path, r).build();
      } catch (IOException | RuntimeException e) {
        return json(500, error(500, "fixture: " + e, "INTERNAL", "backendError")).build();
      }
    }

    private ResponseDefinitionBuilder route(String method, String path, Request r) throws IOException {
      Matcher m;
      if (path.equals("/token")) {
        return token(r);
      }
      if (method.equals("POST") && (m = Pattern.compile(API + "/zones/([^/]+)/disks/([^/]+)/createSnapshot")
          .matcher(path)).matches()) {
        String name = JSON.readTree(r.getBodyAsString()).path("name").asText();
        if (noGuestFlush && r.getUrl().contains("guestFlush=true")) {
          // The operation ends in an error, as Compute reports a guest that did not flush.
          ObjectNode op = (ObjectNode) JSON.readTree(operation("zones/" + m.group(1), "createSnapshot", "zones/"
              + m.group(1) + "/disks/" + m.group(2), "DONE").build().getBody());
          op.putObject("error").putArray("errors").addObject().put("code", "INVALID_USAGE").put("message",
              "Guest flush failed: the guest agent did not answer the flush request.");
          return json(200, op.toString());
        }
        snapshots.put(name, m.group(2));
        count("snapshot");
        return operation("zones/" + m.group(1), "createSnapshot", "zones/" + m.group(1) + "/disks/" + m.group(2),
            "RUNNING");
      }
      if (method.equals("GET") && (m = Pattern.compile(API + "/(zones/[^/]+|global)/operations/([^/]+)")
          .matcher(path)).matches()) {
        String[] op = m.group(2).split("~", 3);
        return operation(m.group(1), op[1], op[2].replace('~', '/'), "DONE");
      }
      if (method.equals("POST") && path.equals(API + "/global/images")) {
        JsonNode body = JSON.readTree(r.getBodyAsString());
        String snapshot = body.path("sourceSnapshot").asText().replaceFirst(".*/", "");
        if (!snapshots.containsKey(snapshot)) {
          return json(400, error(400, "The resource '" + body.path("sourceSnapshot").asText() + "' was not found",
              "INVALID_ARGUMENT", "notFound"));
        }
        images.put(body.path("name").asText(), snapshot);
        count("image");
        return operation("global", "insert", "global/images/" + body.path("name").asText(), "RUNNING");
      }
      if (method.equals("DELETE") && (m = Pattern.compile(API + "/global/(images|snapshots)/([^/]+)").matcher(path))
          .matches()) {
        Map<String, String> set = m.group(1).equals("images") ? images : snapshots;
        if (set.remove(m.group(2)) == null) {
          return json(404, error(404, "The resource 'projects/" + PROJECT + "/global/" + m.group(1) + "/"
              + m.group(2) + "' was not found", "NOT_FOUND", "notFound"));
        }
        return operation("global", "delete", "global/" + m.group(1) + "/" + m.group(2), "DONE");
      }
      if (method.equals("POST") && path.equals("/v1/projects/" + PROJECT + "/builds")) {
        return createBuild(JSON.readTree(r.getBodyAsString()));
      }
      if ((m = Pattern.compile("/v1/projects/" + PROJECT + "/builds/([^/:]+)(:cancel)?").matcher(path)).matches()) {
        Build b = builds.get(m.group(1));
        if (b == null) {
          return json(404, error(404, "Requested entity was not found.", "NOT_FOUND", null));
        }
        if (m.group(2) != null) {
          b = new Build(b.id(), b.image(), b.object(), b.args(), "CANCELLED");
        } else if (b.status().equals("QUEUED") || b.status().equals("WORKING")) {
          int n = polls.computeIfAbsent(b.id(), k -> new AtomicInteger()).incrementAndGet();
          String status = slow || n < 2 ? "WORKING" : failWith != null ? "FAILURE" : "SUCCESS";
          if (status.equals("SUCCESS")) {
            objects.put(b.object(), stage(b));
          }
          b = new Build(b.id(), b.image(), b.object(), b.args(), status);
        }
        builds.put(b.id(), b);
        return json(200, build(b).toString());
      }
      if (method.equals("GET") && (m = Pattern.compile("/storage/v1/b/([^/]+)/o").matcher(path)).matches()) {
        return listing(m.group(1), r.queryParameter("prefix").isPresent() ? r.queryParameter("prefix").firstValue()
            : "");
      }
      if ((m = Pattern.compile("/storage/v1/b/([^/]+)/o/(.+)").matcher(path)).matches()) {
        return object(method, m.group(1), m.group(2), r);
      }
      return json(404, error(404, "fixture: no route for " + method + " " + path, "NOT_FOUND", "notFound"));
    }

    private void count(String kind) {
      created.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    /** The OAuth token endpoint: checks the JWT bearer assertion's signature and audience, as Google does. */
    private ResponseDefinitionBuilder token(Request r) throws IOException {
      Map<String, String> form = new java.util.HashMap<>();
      for (String kv : r.getBodyAsString().split("&")) {
        int eq = kv.indexOf('=');
        form.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
      String[] jwt = form.getOrDefault("assertion", "").split("\\.");
      boolean valid = false;
      if (jwt.length == 3 && "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
        try {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initVerify(key.getPublic());
          s.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
          JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
          valid = s.verify(Base64.getUrlDecoder().decode(jwt[2]))
              && claims.path("aud").asText().equals(endpoint() + "/token")
              && claims.path("scope").asText().contains("cloud-platform");
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
          valid = false;
        }
      }
      if (!valid) {
        return json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
      }
      return json(200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    }

    private ResponseDefinitionBuilder operation(String scope, String type, String target, String status) {
      String name = "operation-" + ids.get() + "~" + type + "~" + target.replace('/', '~');
      ObjectNode op = JSON.createObjectNode().put("kind", "compute#operation").put("id", Integer.toString(
          ids.incrementAndGet())).put("name", name).put("operationType", type).put("targetLink", link(target))
          .put("status", status).put("user", "exporter@" + PROJECT + ".iam.gserviceaccount.com")
          .put("progress", status.equals("DONE") ? 100 : 0).put("insertTime", "2026-12-07T01:00:00.000-08:00")
          .put("selfLink", link(scope + "/operations/" + name));
      if (scope.startsWith("zones/")) {
        op.put("zone", link(scope));
      }
      return json(200, op.toString());
    }

    private ResponseDefinitionBuilder createBuild(JsonNode body) {
      List<String> args = new ArrayList<>();
      body.path("steps").path(0).path("args").forEach(a -> args.add(a.asText()));
      String image = arg(args, "-source_image").replaceFirst(".*/", "");
      String dest = arg(args, "-destination_uri");
      if (!body.path("steps").path(0).path("name").asText().startsWith("gcr.io/compute-image-tools/gce_vm_image_export")
          || image.isEmpty() || !dest.startsWith("gs://" + BUCKET + "/")) {
        return json(400, error(400, "invalid build request", "INVALID_ARGUMENT", null));
      }
      String id = "6a0b" + ids.incrementAndGet() + "-2f7c-4e51-9d3a-0c1e5b7d9f21";
      Build b = new Build(id, image, dest.substring(("gs://" + BUCKET + "/").length()), args, "QUEUED");
      builds.put(id, b);
      count("build");
      ObjectNode op = JSON.createObjectNode().put("name", "operations/build/" + PROJECT + "/"
          + Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.UTF_8)));
      ObjectNode meta = op.putObject("metadata").put("@type",
          "type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata");
      meta.set("build", build(b));
      return json(200, op.toString());
    }

    private static String arg(List<String> args, String flag) {
      return args.stream().filter(a -> a.startsWith(flag + "=")).map(a -> a.substring(flag.length() + 1))
          .findFirst().orElse("");
    }

    private ObjectNode build(Build b) {
      ObjectNode n = JSON.createObjectNode().put("id", b.id()).put("projectId", PROJECT).put("status", b.status())
          .put("createTime", "2026-12-07T09:00:00.123456Z")
          .put("logsBucket", "gs://" + PROJECT + "_cloudbuild/logs")
          .put("logUrl", "https://console.cloud.google.com/cloud-build/builds/" + b.id() + "?project=1234567890");
      ObjectNode step = n.putArray("steps").addObject().put("name",
          "gcr.io/compute-image-tools/gce_vm_image_export:release");
      b.args().forEach(step.putArray("args")::add);
      step.put("status", b.status().equals("QUEUED") ? "QUEUED" : b.status());
      n.put("timeout", "7200s");
      if (b.status().equals("FAILURE")) {
        n.putObject("failureInfo").put("type", "USER_BUILD_STEP").put("detail",
            "Build step failure: build step 0 \"gcr.io/compute-image-tools/gce_vm_image_export:release\" failed: "
                + "step exited with non-zero status: 1");
        n.put("statusDetail", "Build step failure");
      }
      return n;
    }

    /** What the builder writes: the disk as qcow2 or vmdk (qemu-img), or image.tar.gz with a sparse disk.raw. */
    private Path stage(Build b) throws IOException {
      String disk = snapshots.getOrDefault(images.getOrDefault(b.image(), ""), "");
      count("object");
      return staged(disk, arg(b.args(), "-format"));
    }

    /** The disk as the builder writes it in {@code format} (empty: image.tar.gz), made once per disk and format. */
    private synchronized Path staged(String disk, String format) throws IOException {
      Path raw = expectedDisk(disk);
      Path obj = Files.createDirectories(dir.resolve("objects")).resolve(disk + "." + (format.isEmpty() ? "tar.gz"
          : format));
      if (Files.exists(obj)) {
        return obj;
      }
      if (format.isEmpty()) {
        Tools.run(List.of(Tools.require("tar", "tar").toString(), "--sparse", "-czf", obj.toString(), "-C",
            raw.getParent().toString(), "disk.raw"));
      } else {
        Tools.run(List.of(Tools.require("qemu-img", "qemu-utils").toString(), "convert", "-f", "raw", "-O", format,
            raw.toString(), obj.toString()));
      }
      return obj;
    }

    /** storage.objects.list: 404 only for a bucket that does not exist, as Cloud Storage answers. */
    private ResponseDefinitionBuilder listing(String bucket, String prefix) {
      if (!bucket.equals(BUCKET)) {
        return json(404, error(404, "The specified bucket does not exist.", "NOT_FOUND", "notFound"));
      }
      ObjectNode list = JSON.createObjectNode().put("kind", "storage#objects");
      var items = list.putArray("items");
      objects.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().forEach(n -> items.addObject()
          .put("kind", "storage#object").put("name", n).put("bucket", bucket));
      if (items.isEmpty()) {
        list.remove("items");
      }
      return json(200, list.toString());
    }

    private ResponseDefinitionBuilder object(String method, String bucket, String name, Request r)
        throws IOException {
      boolean media = "media".equals(r.queryParameter("alt").isPresent() ? r.queryParameter("alt").firstValue()
          : null);
      if (bucket.equals(PROJECT + "_cloudbuild") && media) {
        String id = name.replaceFirst("^logs/log-", "").replaceFirst("\\.txt$", "");
        Build b = builds.get(id);
        if (b == null || failWith == null) {
          return json(404, error(404, "No such object: " + bucket + "/" + name, "NOT_FOUND", "notFound"));
        }
        return aResponse().withHeader("Content-Type", "text/plain").withBody("starting build \"" + id + "\"\n\n"
            + "FETCHSOURCE\nBUILD\nStep #0: [image-export]: 2026-12-07T09:00:05Z Validating workflow\n"
            + "Step #0: [image-export]: 2026-12-07T09:00:06Z Workflow Project: " + PROJECT + "\n"
            + "Step #0: [image-export.export-disk]: 2026-12-07T09:01:10Z CreateInstances: Creating instance\n"
            + "Step #0: [image-export]: 2026-12-07T09:02:11Z Error running workflow: " + failWith + "\n"
            + "Step #0: [image-export]: 2026-12-07T09:02:12Z Workflow \"image-export\" cleaning up\n"
            + "Finished Step #0\nERROR\nERROR: build step 0 failed: step exited with non-zero status: 1\n");
      }
      Path file = objects.get(name);
      if (!bucket.equals(BUCKET) || file == null) {
        return json(404, error(404, "No such object: " + bucket + "/" + name, "NOT_FOUND", "notFound"));
      }
      if (method.equals("DELETE")) {
        objects.remove(name);
        return aResponse().withStatus(204);
      }
      long size = Files.size(file);
      String crc = crc32c(file);
      if (!media) {
        return json(200, JSON.createObjectNode().put("kind", "storage#object").put("id", bucket + "/" + name
            + "/1733562000123456").put("name", name).put("bucket", bucket).put("generation", "1733562000123456")
            .put("metageneration", "1").put("contentType", "application/octet-stream").put("size",
                Long.toString(size)).put("crc32c", crc).put("storageClass", "STANDARD").put("selfLink",
                "https://www.googleapis.com/storage/v1/b/" + bucket + "/o/" + name).toString());
      }
      long from = 0;
      long to = size - 1;
      String range = r.getHeader("Range");
      int status = 200;
      if (range != null && range.startsWith("bytes=")) {
        String[] fromTo = range.substring(6).split("-", -1);
        from = Long.parseLong(fromTo[0]);
        to = fromTo[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(fromTo[1]));
        status = 206;
      }
      byte[] body = new byte[(int) (to - from + 1)];
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
        f.seek(from);
        f.readFully(body);
      }
      ResponseDefinitionBuilder res = aResponse().withStatus(status).withHeader("Content-Type",
          "application/octet-stream").withHeader("x-goog-generation", "1733562000123456")
          .withHeader("x-goog-hash", "crc32c=" + crc).withHeader("x-goog-stored-content-length",
              Long.toString(size)).withHeader("Accept-Ranges", "bytes").withBody(body);
      if (status == 206) {
        res.withHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
      }
      return res;
    }
  }

  /** The object's CRC32C as Cloud Storage gives it: base64 of the big-endian 32-bit value. */
  public static String crc32c(Path file) throws IOException {
    CRC32C c = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (var in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        c.update(buf, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
  }
}
