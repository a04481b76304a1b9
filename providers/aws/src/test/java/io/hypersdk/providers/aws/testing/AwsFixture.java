package io.hypersdk.providers.aws.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A WireMock server answering as EC2 (Query protocol, XML) and EBS (REST-JSON, binary blocks) do, in the shapes
 * of the AWS API reference, for one running instance {@code web01} with a root volume and a data volume.
 */
public final class AwsFixture implements AutoCloseable {
  public static final String INSTANCE = "i-0123456789abcdef0";
  /** A second instance, stopped, that {@link #twin()} gives the same Name tag. */
  public static final String TWIN = "i-0fedcba9876543210";
  public static final String NAME = "web01";
  public static final String ROOT_VOLUME = "vol-0aaaaaaaaaaaaaaa1";
  public static final String DATA_VOLUME = "vol-0bbbbbbbbbbbbbbb2";
  public static final String ROOT_SNAPSHOT = "snap-0aaaaaaaaaaaaaaa1";
  public static final String DATA_SNAPSHOT = "snap-0bbbbbbbbbbbbbbb2";
  public static final String MAC0 = "02:1a:2b:3c:4d:5e";
  public static final String MAC1 = "02:1a:2b:3c:4d:5f";
  public static final int BLOCK = 512 * 1024;
  public static final long VOLUME_BYTES = 1L << 30;
  private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
  /** Blocks holding data per snapshot; the root volume's list comes in two pages, its last block ends the disk. */
  public static final Map<String, int[]> BLOCKS = Map.of(ROOT_SNAPSHOT, new int[] {0, 1, 5, 2047},
      DATA_SNAPSHOT, new int[] {3, 4});

  public final WireMockServer server;
  private final Map<String, byte[]> data = new LinkedHashMap<>();
  private final java.util.List<com.github.tomakehurst.wiremock.stubbing.StubMapping> faults =
      new java.util.ArrayList<>();

  public AwsFixture() {
    this(true);
  }

  /**
   * {@code journal} false: WireMock keeps no request journal (it would hold every response body served, too much
   * for a benchmark); the counting methods then do not work.
   */
  public AwsFixture(boolean journal) {
    var config = wireMockConfig().dynamicPort().bindAddress("127.0.0.1");
    server = new WireMockServer(journal ? config : config.disableRequestJournal());
    server.start();
    Random r = new Random(13);
    BLOCKS.forEach((snap, indexes) -> {
      for (int i : indexes) {
        byte[] b = new byte[BLOCK];
        r.nextBytes(b);
        data.put(snap + "/" + i, b);
      }
    });
    instances(instanceXml(INSTANCE, "running", "x86_64"));
    ec2("DescribeInstanceTypes", "<instanceTypeSet><item><instanceType>m5.large</instanceType><vCpuInfo>"
        + "<defaultVCpus>2</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>8192</sizeInMiB></memoryInfo></item>"
        + "</instanceTypeSet>");
    ec2("DescribeVolumes", "<volumeSet>" + volume(ROOT_VOLUME) + volume(DATA_VOLUME) + "</volumeSet>");
    ec2("CreateSnapshots", "<snapshotSet>" + snapshotInfo(ROOT_SNAPSHOT, ROOT_VOLUME) + snapshotInfo(DATA_SNAPSHOT,
        DATA_VOLUME) + "</snapshotSet>");
    ec2("DescribeSnapshots", "<snapshotSet>" + snapshot(ROOT_SNAPSHOT, ROOT_VOLUME) + snapshot(DATA_SNAPSHOT,
        DATA_VOLUME) + "</snapshotSet>");
    ec2("DeleteSnapshot", "<return>true</return>");
    // The root snapshot's blocks come in two pages, to prove the NextToken loop.
    listBlocks(ROOT_SNAPSHOT, null, new int[] {0, 1}, "page2");
    listBlocks(ROOT_SNAPSHOT, "page2", new int[] {5, 2047}, null);
    listBlocks(DATA_SNAPSHOT, null, BLOCKS.get(DATA_SNAPSHOT), null);
    data.forEach((key, bytes) -> serveBlock(key, bytes, checksum(bytes), 0));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Gives a second, stopped instance the Name tag {@code web01}, so the name is ambiguous. */
  public void twin() {
    instances(instanceXml(INSTANCE, "running", "x86_64"), instanceXml(TWIN, "stopped", "x86_64"));
  }

  /** Leaves the instance only its root volume and its first network interface, as VM Export requires. */
  public void oneVolumeOneNic() {
    instances(instanceXml(INSTANCE, "running", "x86_64").replaceAll("<item><deviceName>/dev/sdf</deviceName>.*?</item>",
        "").replaceAll("<item><networkInterfaceId>eni-0bbb</networkInterfaceId>.*?</attachment></item>", ""));
  }

  /**
   * Answers VM Export's calls (CreateInstanceExportTask, then DescribeExportTasks: active, then completed, and
   * CancelExportTask) for an OVA written to {@code bucket}/{@code key}; returns the task id.
   */
  public String exportTask(String bucket, String key) {
    String id = "export-i-0123456789abcdef0";
    String s3 = "<exportToS3><containerFormat>ova</containerFormat><diskImageFormat>vmdk</diskImageFormat><s3Bucket>"
        + bucket + "</s3Bucket><s3Key>" + key + "</s3Key></exportToS3><instanceExport><instanceId>" + INSTANCE
        + "</instanceId><targetEnvironment>vmware</targetEnvironment></instanceExport>";
    ec2("CreateInstanceExportTask", "<exportTask><exportTaskId>" + id + "</exportTaskId><description>export"
        + "</description><state>active</state>" + s3 + "</exportTask>");
    String scenario = "export task";
    server.stubFor(ec2Call("DescribeExportTasks").inScenario(scenario).whenScenarioStateIs(
        com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("done").willReturn(ec2Response(
        "DescribeExportTasks", "<exportTaskSet><item><exportTaskId>" + id + "</exportTaskId><state>active</state>"
            + "<statusMessage>Converting</statusMessage>" + s3 + "</item></exportTaskSet>")));
    server.stubFor(ec2Call("DescribeExportTasks").inScenario(scenario).whenScenarioStateIs("done").willReturn(
        ec2Response("DescribeExportTasks", "<exportTaskSet><item><exportTaskId>" + id + "</exportTaskId><state>"
            + "completed</state>" + s3 + "</item></exportTaskSet>")));
    ec2("CancelExportTask", "<return>true</return>");
    return id;
  }

  /** How many calls of the EC2 action {@code action} were made. */
  public int calls(String action) {
    return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action + "&")))
        .size();
  }

  /** The form bodies of the calls of {@code action}. */
  public java.util.List<String> bodies(String action) {
    return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action + "&")))
        .stream().map(r -> r.getBodyAsString()).toList();
  }

  /** Makes the instance a Graviton (arm64) one. */
  public void arm64() {
    instances(instanceXml(INSTANCE, "running", "arm64"));
  }

  /** Serves every block only after {@code millis}, so a test can act while the download runs. */
  public void slowBlocks(int millis) {
    data.forEach((key, bytes) -> serveBlock(key, bytes, checksum(bytes), millis));
  }

  /** Drops the connection whenever {@code block} of {@code snapshot} is asked for, as a broken network does. */
  public void dropConnection(String snapshot, int block) {
    faults.add(server.stubFor(get(urlPathEqualTo("/snapshots/" + snapshot + "/blocks/" + block)).atPriority(1)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));
  }

  /**
   * Makes both volumes dense, for benchmarks: every block of each snapshot is listed, and served (with its
   * checksum) from ten random blocks chosen by the index's last digit, so 2 GiB are served from 5 MiB of heap.
   * {@link #expectedDisk} no longer applies.
   */
  public void dense() {
    int blocks = (int) (VOLUME_BYTES / BLOCK);
    int[] all = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      all[i] = i;
    }
    Random r = new Random(31);
    for (String snapshot : BLOCKS.keySet()) {
      listBlocks(snapshot, null, all, null);
      for (int digit = 0; digit < 10; digit++) {
        byte[] b = new byte[BLOCK];
        r.nextBytes(b);
        server.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/snapshots/" + snapshot
            + "/blocks/[0-9]*" + digit)).atPriority(1).willReturn(aResponse()
            .withHeader("Content-Type", "application/octet-stream").withHeader("x-amz-Data-Length",
                Integer.toString(BLOCK)).withHeader("x-amz-Checksum", checksum(b))
            .withHeader("x-amz-Checksum-Algorithm", "SHA256").withBody(b)));
      }
    }
  }

  /** Ends every {@link #dropConnection}: the network works again. */
  public void heal() {
    faults.forEach(server::removeStub);
    faults.clear();
  }

  /** Answers GetSnapshotBlock of {@code block} with an EBS error (REST-JSON: x-amzn-ErrorType, Message, Reason). */
  public void ebsError(String snapshot, int block, int status, String type, String message, String reason) {
    server.stubFor(get(urlPathEqualTo("/snapshots/" + snapshot + "/blocks/" + block)).atPriority(1)
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-ErrorType", type + ":").withBody("{\"Message\":\"" + message + "\""
                + (reason == null ? "" : ",\"Reason\":\"" + reason + "\"") + "}")));
  }

  /** The bytes EBS serves for {@code block} of {@code snapshot}. */
  public byte[] block(String snapshot, int block) {
    return data.get(snapshot + "/" + block).clone();
  }

  /** Serves {@code block} of {@code snapshot} with a checksum that does not match its bytes. */
  public void corrupt(String snapshot, int block) {
    serveBlock(snapshot + "/" + block, data.get(snapshot + "/" + block), checksum(new byte[] {1}), 0);
  }

  /** Answers every EC2 call with {@code code} as AWS does (the Query protocol's error document). */
  public void ec2Error(String action, int status, String code, String message) {
    server.stubFor(ec2Call(action).atPriority(1).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
        "text/xml").withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code
        + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>f00d</RequestID></Response>")));
  }

  /** How many DeleteSnapshot calls named {@code snapshot}. */
  public int deletes(String snapshot) {
    return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=DeleteSnapshot"))
        .withRequestBody(containing("SnapshotId=" + snapshot))).size();
  }

  /** How many CreateSnapshots calls were made. */
  public int creates() {
    return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=CreateSnapshots&")))
        .size();
  }

  /** How many CreateSnapshots calls succeeded, each taking a snapshot of both volumes. */
  public int snapshotsTaken() {
    return (int) server.getAllServeEvents().stream().filter(e -> e.getRequest().getBodyAsString()
        .contains("Action=CreateSnapshots&") && e.getResponse().getStatus() == 200).count();
  }

  /** How many GetSnapshotBlock calls were made, of any block. */
  public int blockRequests() {
    return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/snapshots/[^/]+/blocks/[0-9]+"))).size();
  }

  public int blockRequests(String snapshot, int block) {
    return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlPathEqualTo("/snapshots/" + snapshot + "/blocks/" + block))).size();
  }

  /** The disk EBS serves for {@code snapshot}, as a raw file: its listed blocks, zeros elsewhere. */
  public Path expectedDisk(String snapshot, Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(VOLUME_BYTES);
      for (int i : BLOCKS.get(snapshot)) {
        f.seek((long) i * BLOCK);
        f.write(data.get(snapshot + "/" + i));
      }
    }
    return file;
  }

  @Override
  public void close() {
    server.stop();
  }

  private void instances(String... items) {
    StringBuilder xml = new StringBuilder();
    for (String i : items) {
      xml.append("<item>").append(i).append("</item>");
    }
    ec2("DescribeInstances", "<reservationSet><item><reservationId>r-01</reservationId><ownerId>123456789012</ownerId>"
        + "<instancesSet>" + xml + "</instancesSet></item></reservationSet>");
  }

  private static String instanceXml(String id, String state, String architecture) {
    return "<instanceId>" + id + "</instanceId><imageId>ami-0123456789abcdef0</imageId>"
        + "<instanceState><code>" + ("running".equals(state) ? 16 : 80) + "</code><name>" + state + "</name>"
        + "</instanceState><instanceType>m5.large</instanceType><architecture>" + architecture + "</architecture>"
        + "<placement><availabilityZone>eu-west-1a</availabilityZone></placement>"
        + "<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>"
        // The data volume is listed first: the root device must still come first.
        + "<blockDeviceMapping>"
        + "<item><deviceName>/dev/sdf</deviceName><ebs><volumeId>" + DATA_VOLUME + "</volumeId><status>attached"
        + "</status><deleteOnTermination>false</deleteOnTermination></ebs></item>"
        + "<item><deviceName>/dev/xvda</deviceName><ebs><volumeId>" + ROOT_VOLUME + "</volumeId><status>attached"
        + "</status><deleteOnTermination>true</deleteOnTermination></ebs></item>"
        + "</blockDeviceMapping>"
        + "<networkInterfaceSet>"
        + "<item><networkInterfaceId>eni-0bbb</networkInterfaceId><subnetId>subnet-0b</subnetId><macAddress>" + MAC1
        + "</macAddress><attachment><attachmentId>eni-attach-1</attachmentId><deviceIndex>1</deviceIndex></attachment>"
        + "</item>"
        + "<item><networkInterfaceId>eni-0aaa</networkInterfaceId><subnetId>subnet-0a</subnetId><macAddress>" + MAC0
        + "</macAddress><attachment><attachmentId>eni-attach-0</attachmentId><deviceIndex>0</deviceIndex></attachment>"
        + "</item>"
        + "</networkInterfaceSet>"
        + "<tagSet><item><key>Name</key><value>" + NAME + "</value></item></tagSet>"
        + "<cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>"
        + "<bootMode>uefi-preferred</bootMode><currentInstanceBootMode>uefi</currentInstanceBootMode>"
        + "<platformDetails>Linux/UNIX</platformDetails>";
  }

  private static String volume(String id) {
    return "<item><volumeId>" + id + "</volumeId><size>1</size><encrypted>false</encrypted>"
        + "<availabilityZone>eu-west-1a</availabilityZone>"
        + "<status>in-use</status><volumeType>gp3</volumeType></item>";
  }

  private static String snapshotInfo(String id, String volume) {
    return "<item><snapshotId>" + id + "</snapshotId><volumeId>" + volume + "</volumeId><state>pending</state>"
        + "<volumeSize>1</volumeSize><progress>0%</progress></item>";
  }

  private static String snapshot(String id, String volume) {
    return "<item><snapshotId>" + id + "</snapshotId><volumeId>" + volume + "</volumeId><status>completed</status>"
        + "<progress>100%</progress><volumeSize>1</volumeSize></item>";
  }

  private MappingBuilder ec2Call(String action) {
    return post(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  private void ec2(String action, String body) {
    server.stubFor(ec2Call(action).willReturn(ec2Response(action, body)));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ec2Response(String action,
      String body) {
    return aResponse().withHeader("Content-Type", "text/xml;charset=UTF-8")
        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + action + "Response xmlns=\"" + NS + "\"><requestId>"
            + "5f3a</requestId>" + body + "</" + action + "Response>");
  }

  private void listBlocks(String snapshot, String token, int[] indexes, String next) {
    StringBuilder blocks = new StringBuilder();
    for (int i : indexes) {
      blocks.append(blocks.isEmpty() ? "" : ",").append("{\"BlockIndex\":").append(i).append(",\"BlockToken\":\"t")
          .append(i).append("\"}");
    }
    server.stubFor(get(urlPathEqualTo("/snapshots/" + snapshot + "/blocks"))
        .withQueryParam("pageToken", token == null ? absent() : equalTo(token))
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"Blocks\":[" + blocks
            + "],\"BlockSize\":" + BLOCK + ",\"VolumeSize\":1,\"ExpiryTime\":1.9E9"
            + (next == null ? "" : ",\"NextToken\":\"" + next + "\"") + "}")));
  }

  private void serveBlock(String key, byte[] bytes, String checksum, int delayMillis) {
    int slash = key.indexOf('/');
    server.stubFor(get(urlPathEqualTo("/snapshots/" + key.substring(0, slash) + "/blocks/" + key.substring(slash + 1)))
        .willReturn(aResponse().withFixedDelay(delayMillis).withHeader("Content-Type", "application/octet-stream")
            .withHeader("x-amz-Data-Length", Integer.toString(bytes.length)).withHeader("x-amz-Checksum", checksum)
            .withHeader("x-amz-Checksum-Algorithm", "SHA256").withBody(bytes)));
  }

  private static String checksum(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
