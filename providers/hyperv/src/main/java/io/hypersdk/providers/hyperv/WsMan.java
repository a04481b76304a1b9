package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.SSLException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * WS-Management over HTTPS with Basic authentication, for the Windows Remote Shell resource (MS-WSMV 3.1.4):
 * one SOAP 1.2 envelope per POST, the answer parsed, a fault turned into one line. Never speaks plain http.
 */
final class WsMan {
  static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  static final String SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
  static final String SHELL_CMD = SHELL + "/cmd";
  static final String FAULT = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault";
  /** WinRM's default MaxEnvelopeSizekb (500); asked for in every request, so answers stay within it too. */
  static final int MAX_ENVELOPE = 500 * 1024;
  /** How long one Receive may wait for output before the service answers with the TimedOut fault. */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(20);
  /** The WSManFault code of an operation that timed out: for Receive, just ask again. */
  static final String TIMED_OUT = "2150858793";
  /** The WSManFault code of access denied: the login worked but the user may not use the shell. */
  static final String ACCESS_DENIED = "5";
  private static final Duration CONNECT = Duration.ofSeconds(30);

  /** A fault the service answered; {@link #code} is its WSManFault code, when it gave one. */
  static final class Fault extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String subcode;

    Fault(String code, String subcode, String message) {
      super(message);
      this.code = code;
      this.subcode = subcode;
    }

    boolean timedOut() {
      return TIMED_OUT.equals(code) || subcode.endsWith("TimedOut");
    }
  }

  private final HyperVConfig config;
  private final URI endpoint;
  private final WinRmTrust trust;
  private final HttpClient http;
  private final String authorization;

  WsMan(HyperVConfig config) throws ProviderException {
    this.config = config;
    this.endpoint = URI.create("https://" + (config.host().contains(":") ? "[" + config.host() + "]" : config.host())
        + ":" + config.port() + "/wsman");
    this.trust = new WinRmTrust(config);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT)
        .sslContext(trust.context()).build();
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((config.username() + ":" + config.password())
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Posts {@code body} as {@code action} on the cmd shell resource ({@code shellId} selects a shell, null for
   * Create) and returns the answer; a fault comes back as {@link Fault} for the caller to judge.
   */
  Document call(String action, String shellId, String options, String body) throws ProviderException, Fault,
      InterruptedException {
    String envelope = envelope(action, shellId, options, body);
    // The callers keep it within MAX_ENVELOPE: WinRMHost splits stdin over several Sends.
    byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(OPERATION_TIMEOUT.plus(CONNECT))
        .header("Content-Type", "application/soap+xml;charset=UTF-8").header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    HttpResponse<byte[]> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw failure(e);
    }
    if (r.statusCode() == 401) {
      throw new ProviderException(Kind.CREDENTIALS, "the Hyper-V host " + config.host() + " refused the WinRM login "
          + "of " + config.username() + ": check --username and --password-file, and that the HTTPS listener "
          + "allows Basic authentication (winrm set winrm/config/service/auth @{Basic=\"true\"})");
    }
    Document d = parse(r.body());
    if (d == null || (r.statusCode() != 200 && first(d, SOAP, "Fault") == null)) {
      throw new ProviderException(Kind.NETWORK, "WinRM at " + endpoint + " answered HTTP " + r.statusCode()
          + " without a WS-Management answer: check --hyperv-host and --hyperv-port (the HTTPS listener, 5986)");
    }
    Element fault = first(d, SOAP, "Fault");
    if (fault != null) {
      throw fault(fault);
    }
    return d;
  }

  /** A fault no retry fixes, as the one line the user sees. */
  ProviderException refused(String what, Fault f) {
    if (ACCESS_DENIED.equals(f.code) || f.subcode.endsWith("AccessDenied")) {
      return new ProviderException(Kind.PERMISSION, config.username() + " may not " + what + " on " + config.host()
          + " over WinRM (access denied): add the user to the host's Administrators or Remote Management Users "
          + "group (docs/CONFIGURATION.md)");
    }
    if (f.subcode.endsWith("EncodingLimit")) {
      // WS-Management's fault for an envelope above the service's MaxEnvelopeSizekb (150 before Windows 2012).
      return new ProviderException(Kind.EXPORT_FAILED, "WinRM on " + config.host() + " takes envelopes smaller than "
          + MAX_ENVELOPE / 1024 + " KB: raise it on the host (winrm set winrm/config @{MaxEnvelopeSizekb=\"500\"})");
    }
    return new ProviderException(Kind.EXPORT_FAILED, "WinRM on " + config.host() + " refused to " + what + ": "
        + f.getMessage() + (f.code.isEmpty() ? "" : " (WSManFault " + f.code + ")"));
  }

  private ProviderException failure(IOException e) {
    if (trust.refusal() != null) {
      return new ProviderException(Kind.CREDENTIALS, trust.refusal(), e);
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof java.net.UnknownHostException
          || c instanceof java.net.NoRouteToHostException || c instanceof java.net.http.HttpConnectTimeoutException) {
        return new ProviderException(Kind.NETWORK, "cannot reach WinRM on the Hyper-V host " + config.host()
            + " on port " + config.port() + " (" + c.getClass().getSimpleName().replaceFirst("Exception$", "")
            + "): check --hyperv-host, --hyperv-port and that the host has an HTTPS listener "
            + "(winrm quickconfig -transport:https) and lets port " + config.port() + " through its firewall", e);
      }
      if (c instanceof SSLException) {
        return new ProviderException(Kind.NETWORK, "TLS with WinRM on " + config.host() + ":" + config.port()
            + " failed (" + SshHost.firstLine(c.getMessage()) + "): is it the HTTPS listener (5986)?", e);
      }
    }
    return new ProviderException(Kind.NETWORK, "the WinRM connection to " + config.host() + ":" + config.port()
        + " failed: " + SshHost.firstLine(String.valueOf(e.getMessage())) + "; run the same command again", e);
  }

  private static Fault fault(Element fault) {
    Element wsmanFault = first(fault, FAULT, "WSManFault");
    String code = wsmanFault == null ? "" : wsmanFault.getAttribute("Code");
    Element message = wsmanFault == null ? null : first(wsmanFault, FAULT, "Message");
    Element reason = first(fault, SOAP, "Text");
    NodeList values = fault.getElementsByTagNameNS(SOAP, "Value");
    String subcode = values.getLength() == 0 ? "" : values.item(values.getLength() - 1).getTextContent().strip();
    String text = message != null ? message.getTextContent() : reason != null ? reason.getTextContent() : subcode;
    return new Fault(code, subcode, SshHost.firstLine(text.strip()));
  }

  static Element first(Document d, String ns, String name) {
    return first(d.getDocumentElement(), ns, name);
  }

  static Element first(Element e, String ns, String name) {
    NodeList l = e.getElementsByTagNameNS(ns, name);
    return l.getLength() == 0 ? null : (Element) l.item(0);
  }

  private static Document parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    } catch (SAXException | IOException e) {
      return null;
    }
  }

  private String envelope(String action, String shellId, String options, String body) {
    return "<s:Envelope xmlns:s=\"" + SOAP + "\" xmlns:a=\"" + ADDRESSING + "\" xmlns:w=\"" + WSMAN + "\" xmlns:rsp=\""
        + SHELL + "\"><s:Header>"
        + "<a:To>" + endpoint + "</a:To>"
        + "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">" + ADDRESSING + "/role/anonymous</a:Address></a:ReplyTo>"
        + "<a:Action s:mustUnderstand=\"true\">" + action + "</a:Action>"
        + "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">" + MAX_ENVELOPE + "</w:MaxEnvelopeSize>"
        + "<a:MessageID>uuid:" + UUID.randomUUID() + "</a:MessageID>"
        + "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>"
        + "<w:ResourceURI s:mustUnderstand=\"true\">" + SHELL_CMD + "</w:ResourceURI>"
        + "<w:OperationTimeout>PT" + OPERATION_TIMEOUT.toSeconds() + ".000S</w:OperationTimeout>"
        + (shellId == null ? "" : "<w:SelectorSet><w:Selector Name=\"ShellId\">" + shellId
            + "</w:Selector></w:SelectorSet>")
        + (options == null ? "" : "<w:OptionSet>" + options + "</w:OptionSet>")
        + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
  }
}
