package io.hypersdk.providers.vsphere.vim25;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault parsing and the session cookie, against canned SOAP answers (faults vcsim does not produce). */
class VimConnectionTest {
  private static final String CONTENT = "<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>"
      + "<rootFolder type=\"Folder\">group-d1</rootFolder><propertyCollector type=\"PropertyCollector\">pc</propertyCollector>"
      + "<viewManager type=\"ViewManager\">vm</viewManager><about><apiType>VirtualCenter</apiType>"
      + "<apiVersion>8.0.2.0</apiVersion></about><sessionManager type=\"SessionManager\">sm</sessionManager>"
      + "</returnval></RetrieveServiceContentResponse>";

  private HttpServer server;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final List<String> cookies = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/sdk", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      cookies.add(String.valueOf(ex.getRequestHeaders().getFirst("Cookie")));
      String method = body.replaceAll("(?s).*<soapenv:Body><([A-Za-z_]+).*", "$1");
      String answer = answers.getOrDefault(method, "");
      int status = answer.contains("Fault>") ? 500 : 200;
      if (method.equals("Login") && status == 200) {
        ex.getResponseHeaders().add("Set-Cookie", "vmware_soap_session=\"52ab-cd\"; Path=/; HttpOnly; Secure;");
      }
      byte[] out = ("<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
          + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>" + answer
          + "</soapenv:Body></soapenv:Envelope>").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.createContext("/", ex -> {
      byte[] out = "<html>not here</html>".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(404, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    answers.put("RetrieveServiceContent", CONTENT);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI sdk() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sdk");
  }

  private static String fault(String type, String message) {
    return "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>" + message + "</faultstring><detail>"
        + "<" + type + "Fault xmlns=\"urn:vim25\" xsi:type=\"" + type + "\"/></detail></soapenv:Fault>";
  }

  @Test
  void theSessionCookieFromLoginGoesWithLaterCalls() throws Exception {
    answers.put("Login", "<LoginResponse xmlns=\"urn:vim25\"><returnval/></LoginResponse>");
    answers.put("Logout", "<LogoutResponse xmlns=\"urn:vim25\"/>");
    VimConnection vim = VimConnection.open(sdk(), TlsTrust.system(), Duration.ofSeconds(10));
    assertThat(vim.content().apiVersion()).isEqualTo("8.0.2.0");
    assertThat(vim.content().ovfManager()).isNull();
    vim.login("u", "p");
    vim.close();
    assertThat(cookies).containsExactly("null", "null", "vmware_soap_session=\"52ab-cd\"");
  }

  @Test
  void faultsKeepTheirVim25Type() throws Exception {
    answers.put("Login", fault("NoPermission", "Permission to perform this operation was denied."));
    VimConnection vim = VimConnection.open(sdk(), TlsTrust.system(), Duration.ofSeconds(10));
    assertThatThrownBy(() -> vim.login("u", "p")).isInstanceOfSatisfying(VimFault.class, f -> {
      assertThat(f.faultType()).isEqualTo("NoPermission");
      assertThat(f.getMessage()).isEqualTo("Login: Permission to perform this operation was denied.");
    });
    answers.put("Login", fault("NotAuthenticated", "The session is not authenticated."));
    assertThatThrownBy(() -> vim.login("u", "p")).isInstanceOfSatisfying(VimFault.class,
        f -> assertThat(f.faultType()).isEqualTo("NotAuthenticated"));
  }

  @Test
  void aServerThatIsNotVsphereIsNamedWithTheUrlToCheck() {
    URI wrong = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/other");
    assertThatThrownBy(() -> VimConnection.open(wrong, TlsTrust.system(), Duration.ofSeconds(10)))
        .isInstanceOf(VimFault.class).hasMessageContaining("answered HTTP 404")
        .hasMessageContaining("not a vSphere SOAP response; check the vCenter URL");
  }

  @Test
  void theSessionCookieIsFoundAmongOthers() {
    assertThat(VimConnection.cookieFrom(List.of("other=1; Path=/", "vmware_soap_session=\"x y\"; Path=/")))
        .contains("\"x y\"");
    assertThat(VimConnection.cookieFrom(List.of("other=1"))).isEmpty();
  }
}
