package io.hypersdk.providers.hyperv.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * WinRM's HTTPS listener for tests: an in-process JDK HttpsServer on loopback, with a certificate keytool makes
 * for 127.0.0.1, that speaks the Windows Remote Shell protocol of MS-WSMV (3.1.4.1: Create, Command, Send,
 * Receive, Signal, Delete on resource .../windows/shell/cmd) with Basic authentication, and runs each command
 * line through {@link HyperVHost#powershell}, so both transports see the same host.
 *
 * <p>The answers follow MS-WSMV's examples (section 4.2): Create answers x:ResourceCreated with the ShellId
 * selector (and, as Windows Server 2012+ does, rsp:Shell with rsp:ShellId); Command answers rsp:CommandResponse
 * with rsp:CommandId; Receive answers rsp:ReceiveResponse with rsp:Stream elements (base64, Name stdout or stderr,
 * End="true" on the last) and rsp:CommandState, whose State ends in CommandState/Done with rsp:ExitCode once the
 * command ended. Like WinRM, the first Receive of each command answers the w:TimedOut fault (WSManFault code
 * 2150858793) that a Receive gets when no output came within OperationTimeout, and output is split over as many
 * Receives as the request's MaxEnvelopeSize needs. A wrong password is HTTP 401 without a body.
 */
public final class WinRmEndpoint implements AutoCloseable {
  static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  static final String SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
  static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  private static final String STORE_PASSWORD = "fixture";

  private final HyperVHost host;
  private final HttpsServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final Certificate certificate;
  private final Map<String, Map<String, Cmd>> shells = new ConcurrentHashMap<>();
  private final List<String> actions = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger largestRequest = new AtomicInteger();
  private final AtomicInteger largestResponse = new AtomicInteger();
  private volatile boolean denyShells;
  private volatile int maxEnvelopeKb = 500;
  private final AtomicInteger dropReceives = new AtomicInteger();

  /** One command of a shell: its line, what came on stdin, and once stdin ended, what it wrote. */
  private static final class Cmd {
    final String line;
    final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
    volatile HyperVHost.Result result;
    volatile int stdoutSent;
    volatile boolean timedOutOnce;

    Cmd(String line) {
      this.line = line;
    }
  }

  public WinRmEndpoint(HyperVHost host, Path dir) throws Exception {
    this.host = host;
    Path store = dir.resolve("winrm-listener.p12");
    Files.deleteIfExists(store);
    // An EC key: quick to make, and what a listener certificate from an enterprise CA often is.
    io.hypersdk.testing.Tools.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "winrm", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    certificate = ks.getCertificate("winrm");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, STORE_PASSWORD.toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext("/wsman", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The listener certificate's SHA-256 thumbprint, 64 upper-case hex digits. */
  public String thumbprint() throws Exception {
    return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(certificate.getEncoded()));
  }

  /** Writes the (self-signed) listener certificate as PEM: the CA file that trusts it. */
  public Path writeCertificate(Path file) throws Exception {
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(
        StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    return file;
  }

  /** Every Create is refused with the access-denied fault, as for a user outside the groups WinRM admits. */
  public void denyShells() {
    this.denyShells = true;
  }

  /** The next {@code n} Receives of a read script's output get no answer: the connection closes, as when it drops. */
  public void dropReceives(int n) {
    dropReceives.set(n);
  }

  /** The service's MaxEnvelopeSizekb: a request asking for larger answers gets the EncodingLimit fault. */
  public void maxEnvelopeKb(int kb) {
    this.maxEnvelopeKb = kb;
  }

  /** The last segment of each action asked for, in order (Create, Command, Send, Receive, Signal, Delete). */
  public List<String> actions() {
    return List.copyOf(actions);
  }

  /** Shells created and not deleted. */
  public int openShells() {
    return shells.size();
  }

  public int largestRequest() {
    return largestRequest.get();
  }

  public int largestResponse() {
    return largestResponse.get();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      byte[] request = x.getRequestBody().readAllBytes();
      largestRequest.accumulateAndGet(request.length, Math::max);
      String expected = "Basic " + Base64.getEncoder().encodeToString((HyperVHost.USER + ":" + HyperVHost.PASSWORD)
          .getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(x.getRequestHeaders().getFirst("Authorization"))) {
        x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"WSMAN\"");
        x.sendResponseHeaders(401, -1);
        return;
      }
      Document d = parse(request);
      String action = text(d, ADDRESSING, "Action");
      int max = Integer.parseInt(text(d, WSMAN, "MaxEnvelopeSize"));
      actions.add(action.substring(action.lastIndexOf('/') + 1));
      String shellId = null;
      NodeList sel = d.getElementsByTagNameNS(WSMAN, "Selector");
      for (int i = 0; i < sel.getLength(); i++) {
        if ("ShellId".equals(((Element) sel.item(i)).getAttribute("Name"))) {
          shellId = sel.item(i).getTextContent().strip();
        }
      }
      if (action.endsWith("/Receive") && isRead(shellId, d) && dropReceives.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
        return;
      }
      String[] answer = answer(action, shellId, d, max);
      String replyAction = answer[0].equals("200") ? action + "Response" : WSMAN.replace(".xsd", "/fault");
      byte[] body = envelope(replyAction, answer[1]).getBytes(StandardCharsets.UTF_8);
      largestResponse.accumulateAndGet(body.length, Math::max);
      x.getResponseHeaders().add("Content-Type", "application/soap+xml;charset=UTF-8");
      x.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    } catch (Exception e) {
      // A fixture bug: show it in the test's output rather than as a hung client.
      e.printStackTrace();
      x.sendResponseHeaders(500, -1);
    }
  }

  /** HTTP status and body of the answer to one request. */
  private String[] answer(String action, String shellId, Document d, int max) throws IOException {
    if (max > maxEnvelopeKb * 1024) {
      return fault("s:Sender", "w:EncodingLimit", "2150858817", "The WS-Management service cannot process the "
          + "request because the request's MaxEnvelopeSize exceeds the configured maximum.");
    }
    if (action.equals(TRANSFER + "/Create")) {
      if (denyShells) {
        return fault("s:Sender", "w:AccessDenied", "5", "Access is denied. ");
      }
      String id = UUID.randomUUID().toString().toUpperCase();
      shells.put(id, new ConcurrentHashMap<>());
      return ok("<x:ResourceCreated><a:Address>https://127.0.0.1:" + port() + "/wsman</a:Address>"
          + "<a:ReferenceParameters><w:ResourceURI>" + SHELL + "/cmd</w:ResourceURI><w:SelectorSet>"
          + "<w:Selector Name=\"ShellId\">" + id + "</w:Selector></w:SelectorSet></a:ReferenceParameters>"
          + "</x:ResourceCreated><rsp:Shell><rsp:ShellId>" + id + "</rsp:ShellId><rsp:ResourceUri>" + SHELL
          + "/cmd</rsp:ResourceUri><rsp:Owner>" + HyperVHost.USER + "</rsp:Owner><rsp:InputStreams>stdin"
          + "</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>");
    }
    Map<String, Cmd> shell = shellId == null ? null : shells.get(shellId);
    if (shell == null) {
      return fault("s:Sender", "w:InvalidSelectors", "2150858843", "The request for the Windows Remote Shell with "
          + "ShellId " + shellId + " failed because the shell was not found on the server.");
    }
    if (action.equals(TRANSFER + "/Delete")) {
      shells.remove(shellId);
      return ok("");
    }
    switch (action.substring(action.lastIndexOf('/'))) {
      case "/Command" -> {
        String id = UUID.randomUUID().toString().toUpperCase();
        shell.put(id, new Cmd(text(d, SHELL, "Command")));
        return ok("<rsp:CommandResponse><rsp:CommandId>" + id + "</rsp:CommandId></rsp:CommandResponse>");
      }
      case "/Send" -> {
        Element stream = (Element) d.getElementsByTagNameNS(SHELL, "Stream").item(0);
        Cmd c = shell.get(stream.getAttribute("CommandId"));
        c.stdin.writeBytes(Base64.getDecoder().decode(stream.getTextContent().strip()));
        if ("true".equals(stream.getAttribute("End"))) {
          c.result = host.powershell(c.line, new ByteArrayInputStream(c.stdin.toByteArray()));
        }
        return ok("<rsp:SendResponse/>");
      }
      case "/Receive" -> {
        String id = ((Element) d.getElementsByTagNameNS(SHELL, "DesiredStream").item(0)).getAttribute("CommandId");
        Cmd c = shell.get(id);
        if (c.result == null || !c.timedOutOnce) {
          c.timedOutOnce = true;
          return fault("s:Receiver", "w:TimedOut", "2150858793", "The WS-Management service cannot complete the "
              + "operation within the time specified in OperationTimeout.  ");
        }
        // Room for the base64 of this many bytes in an envelope of at most max bytes.
        int room = (max - 4096) / 4 * 3;
        int n = Math.min(room, c.result.stdout().length - c.stdoutSent);
        StringBuilder b = new StringBuilder("<rsp:ReceiveResponse>");
        b.append(stream("stdout", id, java.util.Arrays.copyOfRange(c.result.stdout(), c.stdoutSent, c.stdoutSent + n),
            false));
        c.stdoutSent += n;
        boolean done = c.stdoutSent == c.result.stdout().length;
        if (done) {
          b.append(stream("stdout", id, new byte[0], true)).append(stream("stderr", id, c.result.stderr(), true))
              .append("<rsp:CommandState CommandId=\"").append(id).append("\" State=\"").append(SHELL)
              .append("/CommandState/Done\"><rsp:ExitCode>").append(c.result.exit())
              .append("</rsp:ExitCode></rsp:CommandState>");
        } else {
          b.append("<rsp:CommandState CommandId=\"").append(id).append("\" State=\"").append(SHELL)
              .append("/CommandState/Running\"/>");
        }
        return ok(b.append("</rsp:ReceiveResponse>").toString());
      }
      case "/Signal" -> {
        return ok("<rsp:SignalResponse/>");
      }
      default -> {
        return fault("s:Sender", "w:ActionNotSupported", "2150858754", "The action is not supported by the service.");
      }
    }
  }

  /** Whether the Receive is for a command running the read script (whose command line holds ToBase64String). */
  private boolean isRead(String shellId, Document d) {
    Map<String, Cmd> shell = shellId == null ? null : shells.get(shellId);
    NodeList desired = d.getElementsByTagNameNS(SHELL, "DesiredStream");
    if (shell == null || desired.getLength() == 0) {
      return false;
    }
    Cmd c = shell.get(((Element) desired.item(0)).getAttribute("CommandId"));
    return c != null && c.result != null && new String(c.result.stdout(), 0, Math.min(c.result.stdout().length, 1),
        StandardCharsets.US_ASCII).matches("[A-Za-z0-9+/]");
  }

  private static String stream(String name, String commandId, byte[] data, boolean end) {
    return "<rsp:Stream Name=\"" + name + "\" CommandId=\"" + commandId + "\"" + (end ? " End=\"true\"" : "") + ">"
        + Base64.getEncoder().encodeToString(data) + "</rsp:Stream>";
  }

  private static String[] ok(String body) {
    return new String[] {"200", body};
  }

  private static String[] fault(String code, String subcode, String wsmanCode, String message) {
    return new String[] {"500", "<s:Fault><s:Code><s:Value>" + code + "</s:Value><s:Subcode><s:Value>" + subcode
        + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">" + message + "</s:Text></s:Reason>"
        + "<s:Detail><f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\""
        + wsmanCode + "\" Machine=\"" + HyperVHost.COMPUTER + "\"><f:Message>" + message + "</f:Message>"
        + "</f:WSManFault></s:Detail></s:Fault>"};
  }

  private static String envelope(String action, String body) {
    return "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" + SOAP + "\" xmlns:a=\"" + ADDRESSING + "\" xmlns:x=\""
        + TRANSFER + "\" xmlns:w=\"" + WSMAN + "\" xmlns:rsp=\"" + SHELL + "\"><s:Header><a:Action>" + action + "</a:Action>"
        + "<a:MessageID>uuid:" + UUID.randomUUID() + "</a:MessageID><a:To>" + ADDRESSING + "/role/anonymous</a:To>"
        + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  private static String text(Document d, String ns, String name) {
    NodeList l = d.getElementsByTagNameNS(ns, name);
    return l.getLength() == 0 ? "" : l.item(0).getTextContent().strip();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
