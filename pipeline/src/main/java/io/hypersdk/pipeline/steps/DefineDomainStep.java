package io.hypersdk.pipeline.steps;

import io.hypersdk.convert.domain.DomainDisk;
import io.hypersdk.convert.domain.LibvirtDomain;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Executables;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.OutputNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Defines the converted VM in libvirt with {@code virsh define}, from the converter's domain XML or, when the
 * converter wrote none, one generated from the manifest. A failure is a warning: the disks stay converted.
 */
public final class DefineDomainStep {
  private static final Pattern NAME = Pattern.compile("<name>([^<]+)</name>");

  /** The domain XML used, the domain's name, and whether libvirt accepted it (or why not). */
  public record Definition(String domainXml, String name, boolean defined, String problem) {}

  public Definition run(ArtifactManifest manifest, ConversionOutcome outcome, PipelineOptions o)
      throws InterruptedException {
    Path xml;
    try {
      xml = outcome.domainXml() != null && Files.isRegularFile(Path.of(outcome.domainXml()))
          ? Path.of(outcome.domainXml()) : generate(manifest, outcome.outputs());
    } catch (IOException | IllegalArgumentException e) {
      return new Definition(null, null, false, "cannot write the domain XML: " + e.getMessage());
    }
    String name;
    try {
      Matcher m = NAME.matcher(Files.readString(xml, StandardCharsets.UTF_8));
      name = m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return new Definition(xml.toString(), null, false, "cannot read " + xml + ": " + e.getMessage());
    }
    Optional<Path> virsh = Executables.onPath("virsh");
    if (virsh.isEmpty()) {
      return new Definition(xml.toString(), name, false,
          "virsh not found (apt-get install libvirt-clients); define it later with: virsh define " + xml);
    }
    // One virsh session for both commands: some drivers (test:///) keep state only per connection.
    String commands = "define " + quote(xml.toString()) + (o.libvirtAutostart() && name != null
        ? "; autostart " + quote(name) : "");
    try {
      Process p = new ProcessBuilder(virsh.get().toString(), "-q", "-c", o.libvirtUri(), commands)
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Definition(xml.toString(), name, false, "virsh did not answer within 60 s");
      }
      if (p.exitValue() != 0) {
        String reason = out.lines().filter(l -> l.toLowerCase(Locale.ROOT).contains("error")).reduce((a, b) -> b)
            .orElse(out.isEmpty() ? "exit " + p.exitValue() : out.lines().reduce((a, b) -> b).orElse(""));
        return new Definition(xml.toString(), name, false, "virsh -c " + o.libvirtUri() + " define failed: "
            + reason.replaceFirst("^error: ", ""));
      }
      return new Definition(xml.toString(), name, true, null);
    } catch (IOException e) {
      return new Definition(xml.toString(), name, false, "cannot run virsh: " + e.getMessage());
    }
  }

  /** Writes a domain for converters that write none, beside the first converted disk. */
  private static Path generate(ArtifactManifest manifest, List<String> outputs) throws IOException {
    if (outputs.isEmpty()) {
      throw new IOException("no converted disk to define");
    }
    String stem = OutputNames.vmStem(manifest.vmName());
    List<DomainDisk> disks = outputs.stream().map(p -> new DomainDisk(p, formatOf(p))).toList();
    Path xml = new OutputFiles(Path.of(outputs.get(0)).toAbsolutePath().getParent(), stem).domainXml();
    AtomicFiles.write(xml, LibvirtDomain.of(stem, manifest, disks).xml().getBytes(StandardCharsets.UTF_8));
    return xml;
  }

  private static String formatOf(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".raw") || p.endsWith(".img") ? "raw" : p.endsWith(".vdi") ? "vdi" : "qcow2";
  }

  /** virsh's own quoting, for paths with spaces. */
  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
