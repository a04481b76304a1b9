package io.hypersdk.providers.azure.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Azure for the azure provider's tests: WireMock answers as Azure Resource Manager, in the shapes of the REST
 * reference (Compute 2024-07-01 "Virtual Machines - Get", "Virtual Machine Sizes - List"; Compute 2024-03-02
 * "Disks - Get", "Snapshots - Create Or Update / Grant Access / Revoke Access / Delete", long-running operations
 * through {@code Azure-AsyncOperation} as in "Track asynchronous Azure operations"; Network 2024-05-01 "Network
 * Interfaces - Get"), for a running Trusted Launch VM {@code web01} with an OS disk and a data disk; the snapshots'
 * grants answer with SAS URLs of page blobs that a real Azurite serves.
 */
public final class AzureFixture implements AutoCloseable {
  public static final String SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-111122223333";
  public static final String GROUP = "rg-prod";
  public static final String LOCATION = "westeurope";
  public static final String NAME = "web01";
  public static final String OS_DISK = "web01_OsDisk_1";
  public static final String DATA_DISK = "web01_data0";
  public static final String MAC0 = "00:0d:3a:2b:3c:4d";
  public static final String VM_ID = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
      + "/providers/Microsoft.Compute/virtualMachines/" + NAME;
  public static final long OS_BYTES = 32L << 20;
  public static final long DATA_BYTES = 16L << 20;
  /** The allocated ranges of each disk (offset, length): one crosses a 4 MiB read, one ends the disk. */
  public static final Map<String, long[][]> RANGES = Map.of(
      OS_DISK, new long[][] {{0, 1 << 20}, {8L << 20, (4L << 20) + (512 << 10)}, {OS_BYTES - (512 << 10), 512 << 10}},
      DATA_DISK, new long[][] {{2L << 20, 1 << 20}});
  private static final String COMPUTE = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
      + "/providers/Microsoft.Compute";
  private static final String SNAPSHOTS = COMPUTE + "/snapshots/";

  public final WireMockServer server;
  public final Azurite azurite;
  /** Each disk's size and allocated ranges (offset, length). */
  private final Map<String, Long> sizes;
  private final Map<String, long[][]> ranges;
  private final BlobContainerClient container;
  private final Map<String, byte[]> data = new LinkedHashMap<>();

  public AzureFixture() {
    this(Map.of(OS_DISK, OS_BYTES, DATA_DISK, DATA_BYTES), RANGES);
  }

  /** Both disks {@code bytes} long and allocated from end to end (random data, in 4 MiB pages): for benchmarks. */
  public static AzureFixture dense(long bytes) {
    long[][] all = new long[(int) (bytes >> 22)][];
    for (int i = 0; i < all.length; i++) {
      all[i] = new long[] {(long) i << 22, 4L << 20};
    }
    return new AzureFixture(Map.of(OS_DISK, bytes, DATA_DISK, bytes), Map.of(OS_DISK, all, DATA_DISK, all));
  }

  private AzureFixture(Map<String, Long> sizes, Map<String, long[][]> ranges) {
    this.sizes = sizes;
    this.ranges = ranges;
    azurite = new Azurite();
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    container = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
        .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
        .getBlobContainerClient("snapshots");
    container.create();
    Random r = new Random(14);
    upload(OS_DISK, sizes.get(OS_DISK), r);
    upload(DATA_DISK, sizes.get(DATA_DISK), r);
    vm("Standard_D2s_v5", "V2", "PowerState/running", "Premium_LRS", "Attached");
    arm(get(urlPathEqualTo("/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.Compute/locations/" + LOCATION
        + "/vmSizes")), okJson("{\"value\": [{\"name\": \"Standard_B1s\", \"numberOfCores\": 1, \"osDiskSizeInMB\": "
        + "1047552, \"resourceDiskSizeInMB\": 4096, \"memoryInMB\": 1024, \"maxDataDiskCount\": 2}, {\"name\": "
        + "\"Standard_D2s_v5\", \"numberOfCores\": 2, \"osDiskSizeInMB\": 1047552, \"resourceDiskSizeInMB\": 0, "
        + "\"memoryInMB\": 8192, \"maxDataDiskCount\": 4}]}"));
    String nic = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
        + "/providers/Microsoft.Network/networkInterfaces/web01-nic";
    arm(get(urlPathEqualTo(nic)), okJson("{\"name\": \"web01-nic\", \"id\": \"" + nic + "\", \"location\": \""
        + LOCATION + "\", \"properties\": {\"provisioningState\": \"Succeeded\", \"macAddress\": \"00-0D-3A-2B-3C-4D\", "
        + "\"primary\": true, \"ipConfigurations\": [{\"name\": \"ipconfig1\", \"properties\": {\"privateIPAddress\": "
        + "\"10.0.0.4\", \"subnet\": {\"id\": \"/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
        + "/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/default\"}}}]}}"));
    // Snapshots - Create Or Update: 201 with the operation to poll; then GET answers the snapshot.
    operation(put(urlPathMatching(SNAPSHOTS + "[^/]+")), 201, "snapshot-create");
    arm(get(urlPathMatching(SNAPSHOTS + "[^/]+")), okJson("{\"properties\": {\"provisioningState\": \"Succeeded\", "
        + "\"incremental\": false, \"diskState\": \"ActiveSAS\"}}"));
    grants(0);
    operation(post(urlPathMatching(SNAPSHOTS + "[^/]+/endGetAccess")), 202, "end-access");
    operation(delete(urlPathMatching(SNAPSHOTS + "[^/]+")), 202, "snapshot-delete");
  }

  /** The ARM endpoint. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.port();
  }

  /**
   * Writes a stand-in for the Azure CLI into {@code dir}: azure-identity's AzureCliCredential runs {@code az account
   * get-access-token --output json --resource R} and reads this JSON shape. Returns {@code dir}.
   */
  public static Path installAzCli(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path az = dir.resolve("az");
    Files.writeString(az, "#!/bin/sh\n# Stands in for the Azure CLI in tests.\n"
        + "[ \"$1 $2\" = \"account get-access-token\" ] || { echo \"az stand-in: $*\" >&2; exit 2; }\n"
        + "echo '{\"accessToken\": \"test-token-not-real\", \"expiresOn\": \"2099-01-01 00:00:00.000000\", "
        + "\"expires_on\": 4070908800, \"subscription\": \"" + SUBSCRIPTION + "\", \"tenant\": "
        + "\"72f988bf-86f1-41af-91ab-2d7cd011db47\", \"tokenType\": \"Bearer\"}'\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** Replaces the VM and its disks: size, the OS disk's hyperVGeneration, power state, disk SKU and state. */
  public void vm(String size, String generation, String power, String sku, String diskState) {
    String osId = COMPUTE + "/disks/" + OS_DISK;
    String dataId = COMPUTE + "/disks/" + DATA_DISK;
    String vm = "{\"name\": \"" + NAME + "\", \"id\": \"" + VM_ID + "\", \"type\": \"Microsoft.Compute/virtualMachines\","
        + " \"location\": \"" + LOCATION + "\", \"properties\": {\"vmId\": \"0f47b100-583c-48e3-a4c0-aefc2c9bbcc1\","
        + " \"hardwareProfile\": {\"vmSize\": \"" + size + "\"}, \"securityProfile\": {\"securityType\": "
        + "\"TrustedLaunch\", \"uefiSettings\": {\"secureBootEnabled\": true, \"vTpmEnabled\": true}}, "
        + "\"storageProfile\": {\"imageReference\": {\"publisher\": \"Canonical\", \"offer\": "
        + "\"ubuntu-24_04-lts\", \"sku\": \"server\", \"version\": \"latest\"}, \"osDisk\": {\"osType\": \"Linux\", "
        + "\"name\": \"" + OS_DISK + "\", \"createOption\": \"FromImage\", \"caching\": \"ReadWrite\", "
        + "\"managedDisk\": {\"storageAccountType\": \"" + sku + "\", \"id\": \"" + osId + "\"}, \"diskSizeGB\": 1}, "
        + "\"dataDisks\": [{\"lun\": 0, \"name\": \"" + DATA_DISK + "\", \"createOption\": \"Empty\", "
        + "\"caching\": \"None\", \"managedDisk\": {\"storageAccountType\": \"" + sku + "\", \"id\": \"" + dataId
        + "\"}, \"diskSizeGB\": 1}]}, \"osProfile\": {\"computerName\": \"" + NAME + "\", \"adminUsername\": "
        + "\"azureuser\"}, \"networkProfile\": {\"networkInterfaces\": [{\"id\": \"/subscriptions/" + SUBSCRIPTION
        + "/resourceGroups/" + GROUP + "/providers/Microsoft.Network/networkInterfaces/web01-nic\", "
        + "\"properties\": {\"primary\": true}}]}, \"provisioningState\": \"Succeeded\"}}";
    arm(get(urlPathEqualTo(VM_ID)), okJson(vm));
    arm(get(urlPathEqualTo("/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.Compute/virtualMachines")),
        okJson("{\"value\": [" + vm + "]}"));
    arm(get(urlPathEqualTo(COMPUTE + "/virtualMachines")), okJson("{\"value\": [" + vm + "]}"));
    arm(get(urlPathEqualTo(VM_ID + "/instanceView")), okJson("{\"computerName\": \"" + NAME + "\", \"statuses\": ["
        + "{\"code\": \"ProvisioningState/succeeded\", \"level\": \"Info\", \"displayStatus\": \"Provisioning "
        + "succeeded\"}, {\"code\": \"" + power + "\", \"level\": \"Info\", \"displayStatus\": \"VM "
        + power.substring(power.indexOf('/') + 1) + "\"}]}"));
    for (String[] d : new String[][] {{OS_DISK, osId, Long.toString(sizes.get(OS_DISK))}, {DATA_DISK, dataId,
        Long.toString(sizes.get(DATA_DISK))}}) {
      arm(get(urlPathEqualTo(d[1])), okJson("{\"name\": \"" + d[0] + "\", \"id\": \"" + d[1] + "\", \"location\": \""
          + LOCATION + "\", \"sku\": {\"name\": \"" + sku + "\", \"tier\": \"Premium\"}, \"properties\": {"
          + (d[0].equals(OS_DISK) ? "\"osType\": \"Linux\", \"hyperVGeneration\": \"" + generation + "\", " : "")
          + "\"diskSizeGB\": 1, \"diskSizeBytes\": " + d[2] + ", \"diskState\": \"" + diskState + "\", "
          + "\"networkAccessPolicy\": \"AllowAll\", \"provisioningState\": \"Succeeded\"}}"));
    }
  }

  /**
   * Snapshots - Grant Access: 202 with {@code Azure-AsyncOperation} (InProgress, then Succeeded with
   * {@code properties.output.accessSAS}) and {@code Location}. With {@code firstSeconds} > 0, the first grant of
   * the OS disk's snapshot expires after that many seconds; later grants last an hour.
   */
  public void grants(int firstSeconds) {
    for (String disk : List.of(OS_DISK, DATA_DISK)) {
      String key = disk.equals(OS_DISK) ? "os" : "data";
      String op = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.Compute/locations/" + LOCATION
          + "/DiskOperations/grant-" + key;
      String snapshot = SNAPSHOTS + "hypersdk-" + NAME + "-" + disk + "-[a-z0-9]+";
      server.stubFor(post(urlPathMatching(snapshot + "/beginGetAccess")).atPriority(5).willReturn(aResponse()
          .withStatus(202).withHeader("Azure-AsyncOperation", endpoint() + op + "?api-version=2024-03-02")
          .withHeader("Location", endpoint() + op + "?monitor=true&api-version=2024-03-02")));
      String scenario = "grant " + key;
      boolean shortFirst = firstSeconds > 0 && disk.equals(OS_DISK);
      server.stubFor(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
          .willSetStateTo("first").willReturn(okJson("{\"name\": \"grant-" + key + "\", \"status\": \"InProgress\", "
              + "\"startTime\": \"2026-12-07T00:00:00Z\"}")));
      server.stubFor(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs("first").willSetStateTo("later")
          .willReturn(okJson(grantDone(key, sas(disk, shortFirst ? firstSeconds : 3600)))));
      server.stubFor(get(urlPathEqualTo(op)).inScenario(scenario).whenScenarioStateIs("later")
          .willReturn(okJson(grantDone(key, sas(disk, 3600)))));
    }
  }

  private static String grantDone(String key, String sas) {
    return "{\"name\": \"grant-" + key + "\", \"status\": \"Succeeded\", \"startTime\": \"2026-12-07T00:00:00Z\", "
        + "\"endTime\": \"2026-12-07T00:00:01Z\", \"properties\": {\"output\": {\"accessSAS\": \"" + sas + "\"}}}";
  }

  /** The OS disk's grant stays InProgress for {@code millis} at each poll (to interrupt an export meanwhile). */
  public void slowGrant(int millis) {
    String op = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.Compute/locations/" + LOCATION
        + "/DiskOperations/grant-os";
    server.stubFor(get(urlPathEqualTo(op)).atPriority(1).willReturn(okJson("{\"name\": \"grant-os\", \"status\": "
        + "\"InProgress\", \"startTime\": \"2026-12-07T00:00:00Z\"}").withFixedDelay(millis)));
  }

  /** A read SAS of the disk's page blob in Azurite, valid for {@code seconds}. */
  public String sas(String disk, int seconds) {
    PageBlobClient blob = container.getBlobClient(disk).getPageBlobClient();
    return blob.getBlobUrl() + "?" + blob.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now()
        .plusSeconds(seconds), new BlobSasPermission().setReadPermission(true)));
  }

  /** ARM answers {@code method} on paths matching {@code pathRegex} with an error document. */
  public void armError(String method, String pathRegex, int status, String code, String message) {
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request(method, urlPathMatching(pathRegex))
        .atPriority(1).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message.replace("\"", "\\\"")
        + "\"}}")));
  }

  /** A blob endpoint nothing listens on: a loopback port bound for a moment, then closed. */
  public static String unreachableBlobEndpoint() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The snapshots ARM was asked to create. */
  public int snapshotsCreated() {
    return server.findAll(putRequestedFor(urlPathMatching(SNAPSHOTS + "[^/]+"))).size();
  }

  public int snapshotsDeleted() {
    return server.findAll(deleteRequestedFor(urlPathMatching(SNAPSHOTS + "[^/]+"))).size();
  }

  public int grantsBegun() {
    return server.findAll(postRequestedFor(urlPathMatching(SNAPSHOTS + "[^/]+/beginGetAccess"))).size();
  }

  /** Grants ended, one per snapshot whose grant began (however many times it was renewed). */
  public int grantsEnded() {
    return server.findAll(postRequestedFor(urlPathMatching(SNAPSHOTS + "[^/]+/endGetAccess"))).size();
  }

  /** Snapshots that got a grant. */
  public long snapshotsGranted() {
    return server.findAll(postRequestedFor(urlPathMatching(SNAPSHOTS + "[^/]+/beginGetAccess"))).stream()
        .map(r -> r.getUrl().replaceFirst("/beginGetAccess.*", "")).distinct().count();
  }

  /** Every request ARM got, for failure messages. */
  public String journal() {
    StringBuilder b = new StringBuilder();
    server.findAll(anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()))
        .forEach(r -> b.append(r.getMethod()).append(' ').append(r.getUrl()).append('\n'));
    return b.toString();
  }

  /** The allocated ranges of {@code disk}, each {offset, length}. */
  public List<long[]> ranges(String disk) {
    return List.of(ranges.get(disk));
  }

  /** The disk as the export must write it (raw, sparse), into {@code file}. */
  public Path expectedDisk(String disk, Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(sizes.get(disk));
      for (long[] r : ranges.get(disk)) {
        f.seek(r[0]);
        f.write(data.get(disk + "/" + r[0]));
      }
    }
    return file;
  }

  private void upload(String disk, long size, Random r) {
    PageBlobClient blob = container.getBlobClient(disk).getPageBlobClient();
    blob.create(size);
    for (long[] range : ranges.get(disk)) {
      byte[] b = new byte[(int) range[1]];
      r.nextBytes(b);
      data.put(disk + "/" + range[0], b);
      for (int o = 0; o < b.length; o += 4 << 20) {
        int n = Math.min(4 << 20, b.length - o);
        blob.uploadPages(new PageRange().setStart(range[0] + o).setEnd(range[0] + o + n - 1),
            new ByteArrayInputStream(b, o, n));
      }
    }
  }

  /** An ARM long-running operation: {@code status} with the operation's URL, which answers Succeeded. */
  private void operation(com.github.tomakehurst.wiremock.client.MappingBuilder call, int status, String name) {
    String op = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.Compute/locations/" + LOCATION
        + "/DiskOperations/" + name;
    arm(call, aResponse().withStatus(status).withHeader("Azure-AsyncOperation", endpoint() + op
        + "?api-version=2024-03-02").withHeader("Content-Type", "application/json").withBody(status == 201
        ? "{\"properties\": {\"provisioningState\": \"Creating\"}}" : ""));
    arm(get(urlPathEqualTo(op)), okJson("{\"name\": \"" + name + "\", \"status\": \"Succeeded\", \"startTime\": "
        + "\"2026-12-07T00:00:00Z\", \"endTime\": \"2026-12-07T00:00:01Z\"}"));
  }

  private void arm(com.github.tomakehurst.wiremock.client.MappingBuilder call,
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
    server.stubFor(call.atPriority(5).willReturn(answer));
  }

  @Override
  public void close() {
    server.stop();
    azurite.close();
  }
}
