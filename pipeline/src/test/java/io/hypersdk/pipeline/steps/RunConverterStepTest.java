package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct mode with a stand-in converter: what it prints decides the outputs (the hyper2kvm convention). */
class RunConverterStepTest {
  @TempDir
  Path dir;
  final List<String> lines = new CopyOnWriteArrayList<>();
  final PipelineEvents events = new PipelineEvents() {
    @Override
    public void converterOutput(String line) {
      lines.add(line);
    }
  };

  private Path converter(String body) throws Exception {
    Path f = dir.resolve("converter");
    Files.writeString(f, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  private ConversionOutcome run(Path converter, PipelineOptions o) throws Exception {
    RunConverterStep step = new RunConverterStep();
    return step.run(step.choose(o), dir.resolve("artifact-manifest.json"), o, events);
  }

  @Test
  void outputWroteAndDomainLinesAreTheResult() throws Exception {
    Path c = converter("echo \"args: $*\"\necho 'Stage convert: done'\necho '  Output: /out/vm.qcow2'\n"
        + "echo 'Wrote: /out/vm-disk-1.qcow2'\necho 'Domain: /out/vm.xml'\n");
    ConversionOutcome o = run(c, PipelineOptions.builder().hyper2kvmPath(c).verbose(true).build());

    assertThat(o.success()).isTrue();
    assertThat(o.jobState().wireName()).isEqualTo("completed");
    assertThat(o.outputs()).containsExactly("/out/vm.qcow2", "/out/vm-disk-1.qcow2");
    assertThat(o.domainXml()).isEqualTo("/out/vm.xml");
    assertThat(lines).first().isEqualTo("args: " + dir.resolve("artifact-manifest.json") + " -v");
    assertThat(lines).hasSize(5);
  }

  @Test
  void aDryRunIsPassedOnAndNeedsNoOutput() throws Exception {
    Path c = converter("echo \"args: $*\"\n");
    ConversionOutcome o = run(c, PipelineOptions.builder().hyper2kvmPath(c).dryRun(true).build());
    assertThat(o.success()).isTrue();
    assertThat(o.jobState().wireName()).isEqualTo("dry-run");
    assertThat(lines).containsExactly("args: " + dir.resolve("artifact-manifest.json") + " --dry-run");
  }

  @Test
  void aFailingConverterIsAFailureWithItsLastLines() throws Exception {
    Path c = converter("for i in 1 2 3 4 5 6 7; do echo \"line $i\"; done\necho 'qemu-img: broken' >&2\nexit 4\n");
    ConversionOutcome o = run(c, PipelineOptions.builder().hyper2kvmPath(c).build());
    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("failed");
    assertThat(o.error()).startsWith("the converter " + c + " exited 4: ").endsWith("line 7 | qemu-img: broken")
        .doesNotContain("line 2");
  }

  @Test
  void successWithoutAnOutputLineIsAFailure() throws Exception {
    Path c = converter("echo done\n");
    ConversionOutcome o = run(c, PipelineOptions.builder().hyper2kvmPath(c).build());
    assertThat(o.success()).isFalse();
    assertThat(o.error()).contains("printed no 'Output:' line");
  }

  @Test
  void aPathThatIsNotExecutableIsRefused() throws Exception {
    Path notExecutable = Files.writeString(dir.resolve("hyper2kvm"), "not a program");
    assertThatThrownBy(() -> new RunConverterStep().choose(PipelineOptions.builder().hyper2kvmPath(notExecutable)
        .build())).isInstanceOf(PipelineException.class).hasMessageContaining("is not an executable file");
  }

  @Test
  void theGivenPathWinsOverTheBundledConverter() throws Exception {
    Path c = converter("true\n");
    RunConverterStep.Converter chosen = new RunConverterStep().choose(PipelineOptions.builder().hyper2kvmPath(c)
        .bundledConverter(List.of("java", "Bundled")).build());
    assertThat(chosen.command()).containsExactly(c.toString());
  }
}
