package io.hypersdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every message the tools can show a person (see {@link MessageScanner}) appears, by its stable text, in
 * docs/TROUBLESHOOTING.md, which says what it means and what to do.
 */
class TroubleshootingTest {
  private static final String DOC = "docs/TROUBLESHOOTING.md";

  /** Messages that never reach a person, each with the reason. Keep this list short. */
  private static final Map<String, String> NOT_SHOWN = Map.of(
      "this Java runtime has no SHA-256", "every Java runtime has SHA-256: the Java SE specification requires it",
      "XML parser cannot be configured securely", "the JDK's own parser supports the features set; only a broken "
          + "JDK fails here",
      "manifest cannot be serialised", "the manifest model always serialises; guards a Jackson failure that "
          + "cannot happen",
      "client certificates are not accepted", "the trust manager of a TLS client is never asked about client "
          + "certificates",
      "no parent folder for", "AtomicFiles is only given files inside folders");

  /** Source folders whose messages never reach a person, each with the reason. */
  private static final Map<String, String> NOT_SHOWN_SOURCES = Map.of(
      "packaging/", "the man-page generator runs in the build, never on a user's machine",
      "test-support/", "code the tests share; it is never shipped");

  @Test
  void everyMessageOfTheToolsIsInTheTroubleshootingGuide() throws IOException {
    String doc = Docs.collapse(Docs.read(Docs.root().resolve(DOC)));
    Map<String, MessageScanner.Message> messages = messages();
    assertThat(messages).as("messages found in the sources").hasSizeGreaterThan(50);
    List<String> missing = new ArrayList<>();
    messages.forEach((text, m) -> {
      if (!doc.contains(text) && !NOT_SHOWN.containsKey(text)) {
        missing.add(m.file() + ":" + m.line() + ": " + text + "    [" + m.shown() + "]");
      }
    });
    Missing.failIfAny(DOC, "messages", missing);
  }

  @Test
  void theExclusionsAreStillInTheCode() throws IOException {
    Map<String, MessageScanner.Message> messages = messages();
    assertThat(NOT_SHOWN.keySet()).allSatisfy(text -> assertThat(messages).containsKey(text));
    assertThat(NOT_SHOWN_SOURCES.keySet()).allSatisfy(dir -> assertThat(Docs.root().resolve(dir)).isDirectory());
  }

  @Test
  void theScannerReadsConcatenationFormatsAndFieldRules() {
    String source = String.join("\n",
        "class X {",
        "  void a() throws Exception {",
        "    // throw new IOException(\"a comment is not a message\");",
        "    throw new PipelineException(\"watch dir \" + dir + \" does not exist; create it\");",
        "  }",
        "  void b() { err.println(\"hyperexport: --format must be ovf or ova, not '\" + f + \"'\"); }",
        "  void c() { throw new InvalidJobException(\"options.libvirt_uri\", \"must be a libvirt URI\"); }",
        "  void d() { throw new IOException(String.format(\"cannot open the file %s for writing\", p)); }",
        "  void e() { LOG.warn(\"cannot write heartbeat in {}: {}\", dir, e.getMessage()); }",
        "  static final String NO_TERMINAL = \"hyperctl: interactive needs \" + \"a terminal\";",
        "  void f() { err.println(NO_TERMINAL); }",
        "  void g() { out.println(\"Output: \" + path); }",
        "}");
    List<String> texts = MessageScanner.scan("X.java", source).stream().map(MessageScanner.Message::stableText)
        .toList();
    assertThat(texts).containsExactly("does not exist; create it", "--format must be ovf or ova, not",
        "options.libvirt_uri: must be a libvirt URI", "cannot open the file", "cannot write heartbeat in",
        "interactive needs a terminal");
  }

  /** Every message of every module's main sources, by stable text; the first place each is made. */
  static Map<String, MessageScanner.Message> messages() throws IOException {
    Path root = Docs.root();
    Map<String, MessageScanner.Message> byText = new LinkedHashMap<>();
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skip = !dir.equals(root) && (name.startsWith(".") || name.equals("target")
            || name.equals("node_modules") || name.equals("test") || dir.equals(root.resolve("tests")));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String rel = root.relativize(file).toString().replace('\\', '/');
        if (rel.endsWith(".java") && rel.contains("src/main/java/")
            && NOT_SHOWN_SOURCES.keySet().stream().noneMatch(rel::startsWith)) {
          sources.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    sources.sort(null);
    for (Path p : sources) {
      String rel = root.relativize(p).toString();
      for (MessageScanner.Message m : MessageScanner.scan(rel, Files.readString(p))) {
        String text = m.stableText();
        if (text != null) {
          byText.putIfAbsent(text, m);
        }
      }
    }
    return byText;
  }
}
