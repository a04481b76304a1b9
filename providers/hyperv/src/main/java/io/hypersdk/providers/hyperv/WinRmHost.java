package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Hyper-V host over WinRM: commands run in Windows Remote Shells (MS-WSMV 3.1.4.1: Create, Command, Send,
 * Receive, Signal, Delete). Shells are kept for the next command, one per thread at a time, so parallel range
 * reads each have their own; all are deleted on close.
 */
final class WinRmHost implements PowerShellHost {
  private static final Logger LOG = LoggerFactory.getLogger(WinRmHost.class);
  private static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  private static final String DONE = WsMan.SHELL + "/CommandState/Done";
  private static final String TERMINATE = WsMan.SHELL + "/signal/terminate";
  /** Raw stdin bytes per Send: their base64 plus the envelope stays well under MaxEnvelopeSize. */
  private static final int SEND_CHUNK = (WsMan.MAX_ENVELOPE - 8192) / 4 * 3;
  private final HyperVConfig config;
  private final WsMan wsman;
  private final ConcurrentLinkedDeque<String> idleShells = new ConcurrentLinkedDeque<>();

  private WinRmHost(HyperVConfig config, WsMan wsman) {
    this.config = config;
    this.wsman = wsman;
  }

  /** Checks the certificate and the login by opening the first shell; a refusal is one line. */
  static WinRmHost connect(HyperVConfig config) throws ProviderException {
    WinRmHost host = new WinRmHost(config, new WsMan(config));
    try {
      host.idleShells.push(host.createShell());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted");
    }
    return host;
  }

  @Override
  public HyperVConfig config() {
    return config;
  }

  @Override
  public Output exec(String command, byte[] stdin, Duration timeout) throws ProviderException, InterruptedException {
    String shell = idleShells.poll();
    if (shell == null) {
      shell = createShell();
    }
    boolean reusable = false;
    try {
      String commandId = start(shell, command);
      send(shell, commandId, stdin);
      Output out = receive(shell, commandId, timeout);
      reusable = true;
      return out;
    } finally {
      if (reusable) {
        idleShells.push(shell);
      } else {
        deleteShell(shell);
      }
    }
  }

  private String createShell() throws ProviderException, InterruptedException {
    String options = "<w:Option Name=\"WINRS_NOPROFILE\">TRUE</w:Option>"
        + "<w:Option Name=\"WINRS_CODEPAGE\">65001</w:Option>";
    Document d = call("open a shell", TRANSFER + "/Create", null, options, "<rsp:Shell>"
        + "<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
        + "</rsp:Shell>");
    NodeList selectors = d.getElementsByTagNameNS(WsMan.WSMAN, "Selector");
    for (int i = 0; i < selectors.getLength(); i++) {
      Element s = (Element) selectors.item(i);
      if ("ShellId".equals(s.getAttribute("Name"))) {
        return s.getTextContent().strip();
      }
    }
    Element id = WsMan.first(d, WsMan.SHELL, "ShellId");
    if (id == null) {
      throw new ProviderException(Kind.EXPORT_FAILED, "WinRM on " + config.host() + " created a shell without "
          + "naming it (no ShellId in the answer)");
    }
    return id.getTextContent().strip();
  }

  private String start(String shell, String command) throws ProviderException, InterruptedException {
    // Stdin as a pipe, not a console: the data is bytes for [Console]::In, not keystrokes.
    String options = "<w:Option Name=\"WINRS_CONSOLEMODE_STDIN\">FALSE</w:Option>"
        + "<w:Option Name=\"WINRS_SKIP_CMD_SHELL\">FALSE</w:Option>";
    Document d = call("run PowerShell", WsMan.SHELL + "/Command", shell, options, "<rsp:CommandLine><rsp:Command>"
        + xml(command) + "</rsp:Command></rsp:CommandLine>");
    Element id = WsMan.first(d, WsMan.SHELL, "CommandId");
    if (id == null) {
      throw new ProviderException(Kind.EXPORT_FAILED, "WinRM on " + config.host() + " started a command without "
          + "naming it (no CommandId in the answer)");
    }
    return id.getTextContent().strip();
  }

  private void send(String shell, String commandId, byte[] stdin) throws ProviderException, InterruptedException {
    for (int off = 0; off == 0 || off < stdin.length; off += SEND_CHUNK) {
      int end = Math.min(stdin.length, off + SEND_CHUNK);
      call("send data to PowerShell", WsMan.SHELL + "/Send", shell, null, "<rsp:Send><rsp:Stream Name=\"stdin\" "
          + "CommandId=\"" + xml(commandId) + "\"" + (end == stdin.length ? " End=\"true\"" : "") + ">"
          + Base64.getEncoder().encodeToString(Arrays.copyOfRange(stdin, off, end)) + "</rsp:Stream></rsp:Send>");
    }
  }

  /** Receives until the command is Done; a Receive that timed out without output is simply repeated. */
  private Output receive(String shell, String commandId, Duration timeout) throws ProviderException,
      InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    String options = "<w:Option Name=\"WSMAN_CMDSHELL_OPTION_KEEPALIVE\">TRUE</w:Option>";
    String body = "<rsp:Receive><rsp:DesiredStream CommandId=\"" + xml(commandId) + "\">stdout stderr"
        + "</rsp:DesiredStream></rsp:Receive>";
    boolean done = false;
    try {
      while (true) {
        if (System.nanoTime() - deadline > 0) {
          throw new ProviderException(Kind.NETWORK, "PowerShell on " + config.host() + " did not answer within "
              + timeout.toSeconds() + " s");
        }
        Document d;
        try {
          d = wsman.call(WsMan.SHELL + "/Receive", shell, options, body);
        } catch (WsMan.Fault f) {
          if (f.timedOut()) {
            continue;
          }
          throw wsman.refused("read PowerShell's output", f);
        }
        NodeList streams = d.getElementsByTagNameNS(WsMan.SHELL, "Stream");
        for (int i = 0; i < streams.getLength(); i++) {
          Element s = (Element) streams.item(i);
          byte[] bytes = Base64.getMimeDecoder().decode(s.getTextContent().strip());
          ("stderr".equals(s.getAttribute("Name")) ? err : out).writeBytes(bytes);
        }
        Element state = WsMan.first(d, WsMan.SHELL, "CommandState");
        if (state != null && DONE.equals(state.getAttribute("State"))) {
          done = true;
          Element exit = WsMan.first(state, WsMan.SHELL, "ExitCode");
          return new Output(exit == null ? -1 : Integer.parseInt(exit.getTextContent().strip()),
              out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
      }
    } finally {
      if (!done) {
        terminate(shell, commandId);
      }
    }
  }

  /** Stops a command left running (timed out, interrupted, failed); best effort, the shell is deleted next. */
  private void terminate(String shell, String commandId) {
    boolean interrupted = Thread.interrupted();
    try {
      wsman.call(WsMan.SHELL + "/Signal", shell, null, "<rsp:Signal CommandId=\"" + xml(commandId) + "\">"
          + "<rsp:Code>" + TERMINATE + "</rsp:Code></rsp:Signal>");
    } catch (ProviderException | WsMan.Fault | InterruptedException e) {
      LOG.debug("could not stop command {} on {}: {}", commandId, config.host(), e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deleteShell(String shell) {
    boolean interrupted = Thread.interrupted();
    try {
      wsman.call(TRANSFER + "/Delete", shell, null, "");
    } catch (ProviderException | WsMan.Fault | InterruptedException e) {
      // WinRM ends an idle shell itself after IdleTimeout (default 2 h).
      LOG.warn("could not close WinRM shell {} on {} ({}); WinRM ends it after its idle timeout", shell,
          config.host(), e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Document call(String what, String action, String shell, String options, String body)
      throws ProviderException, InterruptedException {
    try {
      return wsman.call(action, shell, options, body);
    } catch (WsMan.Fault f) {
      throw wsman.refused(what, f);
    }
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public void close() {
    for (String shell; (shell = idleShells.poll()) != null; ) {
      deleteShell(shell);
    }
  }
}
