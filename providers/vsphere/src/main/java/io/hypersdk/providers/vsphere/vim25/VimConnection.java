package io.hypersdk.providers.vsphere.vim25;

import io.hypersdk.providers.download.SocketHttpGet;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A vim25 SOAP session over {@code java.net.http}: one endpoint ({@code https://host/sdk}), the session
 * cookie {@code vmware_soap_session} taken from Login and sent with every later request (SOAP and NFC
 * downloads alike). Thread-safe: downloads and lease progress run beside each other on one session.
 */
public final class VimConnection implements AutoCloseable {
  static final String SESSION_COOKIE = "vmware_soap_session";
  /** The API version asked for; 6.5 has everything used here (ExportVm, firmware, ContainerView). */
  private static final String SOAP_ACTION = "urn:vim25/6.5";
  private static final String SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
  private static final String ENVELOPE_START = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
      + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      + "<soapenv:Body>";
  private static final String ENVELOPE_END = "</soapenv:Body></soapenv:Envelope>";

  private final URI sdk;
  private final HttpClient http;
  private final TlsTrust trust;
  /** What NFC downloads trust: the SOAP connection's trust, widened by {@link #trustNfcHosts}. */
  private volatile TlsTrust downloadTrust;
  private volatile SSLContext downloadTls;
  private final Duration timeout;
  private volatile String sessionCookie;
  private ServiceContent content;

  private VimConnection(URI sdk, HttpClient http, TlsTrust trust, Duration timeout) {
    this.sdk = sdk;
    this.http = http;
    this.trust = trust;
    this.downloadTrust = trust;
    this.timeout = timeout;
  }

  private static HttpClient client(URI sdk, TlsTrust trust, Duration timeout) throws VimFault {
    // HTTP/1.1: NFC servers (and vcsim) do not speak HTTP/2, and an h2c upgrade attempt can break a download.
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if ("https".equalsIgnoreCase(sdk.getScheme())) {
      try {
        b.sslContext(trust.sslContext());
      } catch (IOException e) {
        throw new VimFault(VimFault.TRANSPORT, e.getMessage());
      }
    }
    return b.build();
  }

  /** Connects to {@code sdk} and reads the service content; no login yet. */
  public static VimConnection open(URI sdk, TlsTrust trust, Duration timeout) throws VimFault, InterruptedException {
    VimConnection c = new VimConnection(sdk, client(sdk, trust, timeout), trust, timeout);
    Element r = c.invoke("RetrieveServiceContent", new MoRef("ServiceInstance", "ServiceInstance"), "");
    c.content = ServiceContent.from(Xml.child(r, "returnval").orElseThrow(
        () -> new VimFault(VimFault.TRANSPORT, c.where() + " answered RetrieveServiceContent without content")));
    return c;
  }

  public ServiceContent content() {
    return content;
  }

  /** {@code host:port}, for messages (never with user information). */
  public String where() {
    return sdk.getPort() < 0 ? sdk.getHost() : sdk.getHost() + ":" + sdk.getPort();
  }

  public URI sdk() {
    return sdk;
  }

  /** Logs in with SessionManager.Login; the password is only ever in this request's body. */
  public void login(String user, String password) throws VimFault, InterruptedException {
    invoke("Login", content.sessionManager(), "<userName>" + Xml.escape(user) + "</userName><password>"
        + Xml.escape(password) + "</password>");
    if (sessionCookie == null) {
      throw new VimFault(VimFault.TRANSPORT, where() + " accepted the login but set no " + SESSION_COOKIE + " cookie");
    }
  }

  public boolean loggedIn() {
    return sessionCookie != null;
  }

  /** Ends the session; failures are ignored, the session then simply expires on the server. */
  public void logout() {
    if (sessionCookie == null) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      invoke("Logout", content.sessionManager(), "");
    } catch (VimFault ignored) {
      // Nothing to do: the server drops idle sessions.
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      sessionCookie = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    logout();
  }

  /**
   * Calls {@code method} on {@code target} with {@code params} (XML elements in the WSDL's order) and
   * returns the response element ({@code <methodResponse>}).
   */
  public Element invoke(String method, MoRef target, String params) throws VimFault, InterruptedException {
    String body = ENVELOPE_START + "<" + method + " xmlns=\"urn:vim25\">" + target.xml("_this") + params + "</"
        + method + ">" + ENVELOPE_END;
    HttpRequest.Builder rb = HttpRequest.newBuilder(sdk).timeout(timeout)
        .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", SOAP_ACTION)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    String cookie = sessionCookie;
    if (cookie != null) {
      rb.header("Cookie", SESSION_COOKIE + "=" + cookie);
    }
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw transportFault(e);
    }
    cookieFrom(resp.headers().allValues("set-cookie")).ifPresent(v -> sessionCookie = v);
    VimFault notSoap = new VimFault(VimFault.TRANSPORT, where() + " answered HTTP " + resp.statusCode() + " to "
        + method + ", which is not a vSphere SOAP response; check the vCenter URL (" + sdk + ")");
    Document doc;
    try {
      doc = Xml.parse(resp.body());
    } catch (IOException e) {
      throw notSoap;
    }
    Element envelope = doc.getDocumentElement();
    if (!"Envelope".equals(envelope.getLocalName()) || !SOAP_ENV.equals(envelope.getNamespaceURI())) {
      throw notSoap;
    }
    Element soapBody = Xml.child(envelope, "Body").orElseThrow(() -> notSoap);
    Optional<Element> fault = Xml.child(soapBody, "Fault");
    if (fault.isPresent()) {
      throw fault(method, fault.get());
    }
    return Xml.child(soapBody, method + "Response").orElseThrow(() -> new VimFault(VimFault.TRANSPORT,
        where() + " answered " + method + " (HTTP " + resp.statusCode() + ") without a " + method + "Response"));
  }

  /**
   * With a pinned certificate, NFC downloads from ESXi hosts (whose certificates differ from vCenter's)
   * also accept the thumbprints the lease gives for them; other trust modes need nothing more.
   */
  public void trustNfcHosts(Collection<String> thumbprints) {
    if (trust.mode() == TlsTrust.Mode.PINNED && !thumbprints.isEmpty()) {
      downloadTrust = trust.withHostThumbprints(thumbprints);
      downloadTls = null;
    }
  }

  /**
   * Prepares an NFC download of {@code url} with the session cookie (sent by {@link SocketHttpGet#status}); a
   * read that gets nothing for {@code stallTimeout} fails.
   */
  public SocketHttpGet download(URI url, Duration stallTimeout) throws IOException {
    SSLContext tls = null;
    if ("https".equalsIgnoreCase(url.getScheme())) {
      tls = downloadTls;
      if (tls == null) {
        tls = downloadTrust.sslContext();
        downloadTls = tls;
      }
    }
    return SocketHttpGet.prepare(url, sessionCookie == null ? Map.of() : Map.of("Cookie", SESSION_COOKIE + "=" + sessionCookie),
        tls, timeout, stallTimeout);
  }

  private VimFault transportFault(IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ConnectException) {
      return new VimFault(VimFault.TRANSPORT, "cannot connect to vCenter at " + where() + ": " + (e.getMessage() == null
          ? "connection refused" : why));
    }
    if (e instanceof HttpTimeoutException) {
      return new VimFault(VimFault.TRANSPORT, "vCenter at " + where() + " did not answer within "
          + timeout.toSeconds() + " s");
    }
    if ((e instanceof SSLException || e.getCause() instanceof SSLException) && why.contains("plaintext connection")) {
      return new VimFault(VimFault.TRANSPORT, where() + " does not speak TLS; if it is meant to be plain HTTP, "
          + "give the URL as http://" + where() + sdk.getRawPath());
    }
    if (e instanceof SSLException || e.getCause() instanceof SSLException) {
      return new VimFault(VimFault.TRANSPORT, "TLS with " + where() + " failed (" + why + "); trust its certificate "
          + "with --ca-file or --thumbprint, or skip the check with --insecure");
    }
    return new VimFault(VimFault.TRANSPORT, "talking to vCenter at " + where() + " failed: " + why);
  }

  /** The fault's vim25 type (from {@code detail}) and its message. */
  private VimFault fault(String method, Element fault) {
    String message = Xml.text(fault, "faultstring").orElse("").strip();
    String type = Xml.child(fault, "detail").flatMap(d -> Xml.children(d).stream().findFirst()).map(d -> {
      String t = Xml.type(d);
      return t.endsWith("Fault") && !t.equals("SystemErrorFault") ? t.substring(0, t.length() - 5) : t;
    }).orElse("ServerFault");
    return new VimFault(type, method + ": " + (message.isEmpty() ? type : message));
  }

  /** The value of {@code vmware_soap_session} in Set-Cookie headers. */
  static Optional<String> cookieFrom(List<String> setCookies) {
    for (String header : setCookies) {
      String first = header.split(";", 2)[0].strip();
      int eq = first.indexOf('=');
      if (eq > 0 && first.substring(0, eq).strip().equals(SESSION_COOKIE)) {
        return Optional.of(first.substring(eq + 1).strip());
      }
    }
    return Optional.empty();
  }
}
