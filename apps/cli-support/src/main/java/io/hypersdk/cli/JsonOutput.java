package io.hypersdk.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hypersdk.manifest.ManifestIO;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/**
 * {@code --json}, as a picocli mixin, and the printer every command prints its JSON with: the manifest's
 * conventions (snake_case names, no nulls), indented, or one line per value for streams.
 */
public final class JsonOutput {
  private static final ObjectMapper INDENTED = ManifestIO.jsonMapper();
  private static final ObjectMapper ONE_LINE = INDENTED.copy().disable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--json", description = "Print JSON on stdout instead of text (a stream: one object per line).")
  boolean enabled;

  /** Whether {@code --json} was given. */
  public boolean enabled() {
    return enabled;
  }

  /** Prints {@code value} as indented JSON and flushes. */
  public static void print(PrintWriter out, Object value) {
    write(out, INDENTED, value);
  }

  /** Prints {@code value} as one line of JSON and flushes: one refresh or event of a stream. */
  public static void printLine(PrintWriter out, Object value) {
    write(out, ONE_LINE, value);
  }

  private static void write(PrintWriter out, ObjectMapper mapper, Object value) {
    try {
      out.println(mapper.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      // Our own values always serialize; one that does not is a bug, reported as an internal error.
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
