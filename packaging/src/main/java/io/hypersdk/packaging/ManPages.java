package io.hypersdk.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step: writes a gzipped troff man page for every visible command and subcommand of the given picocli
 * command classes, by walking their command trees, so a command added later gets its page without a change
 * here. picocli writes AsciiDoc; asciidoctor turns it into troff.
 *
 * <p>Arguments: {@code OUTPUT_DIR COMMAND_CLASS...}; pages go to {@code OUTPUT_DIR/man1/NAME.1.gz}, where a
 * subcommand's NAME is its qualified name with dashes ({@code hyperconvert-daemon}).
 */
public final class ManPages {
  private ManPages() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ManPages OUTPUT_DIR COMMAND_CLASS...");
    }
    Path out = Path.of(args[0]);
    List<CommandSpec> specs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      collect(commandLine(args[i]).getCommandSpec(), specs);
    }
    Path adoc = Files.createDirectories(out.resolve("adoc"));
    Path man1 = Files.createDirectories(out.resolve("man1"));
    for (CommandSpec spec : specs) {
      String name = spec.qualifiedName("-");
      Path source = adoc.resolve(name + ".adoc");
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(source, StandardCharsets.UTF_8))) {
        ManPageGenerator.writeSingleManPage(w, spec);
      }
      Path troff = adoc.resolve(name + ".1");
      asciidoctor(source, troff);
      gzip(troff, man1.resolve(name + ".1.gz"));
    }
  }

  /**
   * The tool's command tree as it runs: from its {@code public static CommandLine commandLine()} when it has one
   * (subcommands may be added there), else from its annotations.
   */
  static CommandLine commandLine(String className) throws ReflectiveOperationException {
    Class<?> type = Class.forName(className);
    try {
      Method factory = type.getMethod("commandLine");
      if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == CommandLine.class) {
        return (CommandLine) factory.invoke(null);
      }
    } catch (NoSuchMethodException e) {
      // No factory: the annotations are the whole tree.
    }
    return new CommandLine(type);
  }

  /** The command and its subcommands, depth first; hidden commands get no page. */
  static void collect(CommandSpec spec, List<CommandSpec> into) {
    if (spec.usageMessage().hidden()) {
      return;
    }
    into.add(spec);
    // A subcommand with aliases appears once per name; its spec is the same object.
    Set<CommandSpec> subs = new LinkedHashSet<>();
    spec.subcommands().values().forEach(cl -> subs.add(cl.getCommandSpec()));
    subs.forEach(s -> collect(s, into));
  }

  private static void asciidoctor(Path source, Path troff) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("asciidoctor", "-b", "manpage", "-d", "manpage", "-o", troff.toString(),
          source.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("asciidoctor is required to build the man pages but cannot run ("
          + e.getMessage() + "); install it: apt-get install -y asciidoctor");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("asciidoctor failed on " + source + ": " + output);
    }
    // A warning (odd markup in a command's description) still gives a readable page: say it, do not fail.
    if (!output.isBlank()) {
      System.err.println("ManPages: asciidoctor on " + source.getFileName() + ": " + output.strip());
    }
  }

  /** gzip with no name or time stamp in the header, so the same page gives the same bytes. */
  private static void gzip(Path from, Path to) throws IOException {
    try (InputStream in = Files.newInputStream(from);
        OutputStream o = new GZIPOutputStream(Files.newOutputStream(to))) {
      in.transferTo(o);
    }
  }
}
