package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the queue is: flags, else the instance's daemon config, else the defaults. */
class ResolveQueueStepTest {
  @TempDir
  Path etc;

  private void config(String name, String yaml) throws Exception {
    Files.writeString(etc.resolve(name), yaml);
  }

  @Test
  void flagsWin() throws Exception {
    config("prod.yaml", "watch_dir: /srv/q\noutput_dir: /srv/o\n");
    ResolveQueueStep.ResolvedQueue r = new ResolveQueueStep().run(PipelineOptions.builder().instance("prod")
        .configDir(etc).watchDir(Path.of("/flag/q")).outputDir(Path.of("/flag/o")).build());
    assertThat(r.layout()).isEqualTo(new QueueLayout(Path.of("/flag/q"), Path.of("/flag/o")));
    assertThat(r.source()).isEqualTo("--hyper2kvm-watch-dir and --hyper2kvm-output-dir");
  }

  @Test
  void theInstancesConfigGivesWhatTheFlagsDoNot() throws Exception {
    config("prod.yaml", "watch_dir: /srv/q\noutput_dir: /srv/o\nheartbeat_seconds: 1\n");
    ResolveQueueStep.ResolvedQueue r = new ResolveQueueStep().run(PipelineOptions.builder().instance("prod")
        .configDir(etc).outputDir(Path.of("/flag/o")).build());
    assertThat(r.layout()).isEqualTo(new QueueLayout(Path.of("/srv/q"), Path.of("/flag/o")));
    assertThat(r.source()).isEqualTo(etc.resolve("prod.yaml").toString());
  }

  @Test
  void withoutAnInstanceTheMainConfigIsRead() throws Exception {
    config("hyper2kvm.conf", "watch_dir: /main/q\n");
    ResolveQueueStep.ResolvedQueue r = new ResolveQueueStep().run(PipelineOptions.builder().configDir(etc).build());
    assertThat(r.layout()).isEqualTo(new QueueLayout(Path.of("/main/q"), QueueLayout.DEFAULT_OUTPUT_DIR));
  }

  @Test
  void noConfigMeansTheDefaults() throws Exception {
    ResolveQueueStep.ResolvedQueue r = new ResolveQueueStep().run(PipelineOptions.builder().instance("none")
        .configDir(etc).build());
    assertThat(r.layout()).isEqualTo(new QueueLayout(QueueLayout.DEFAULT_WATCH_DIR, QueueLayout.DEFAULT_OUTPUT_DIR));
    assertThat(r.source()).isEqualTo("defaults (no " + etc.resolve("none.yaml") + ")");
  }

  @Test
  void aConfigOfCommentsOnlyMeansTheDefaults() throws Exception {
    config("prod.yaml", "# watch_dir: /srv/q\n# output_dir: /srv/out\n");
    ResolveQueueStep.ResolvedQueue r = new ResolveQueueStep().run(PipelineOptions.builder().instance("prod")
        .configDir(etc).build());
    assertThat(r.layout()).isEqualTo(new QueueLayout(QueueLayout.DEFAULT_WATCH_DIR, QueueLayout.DEFAULT_OUTPUT_DIR));
  }

  @Test
  void aBrokenConfigIsOneLineNamingTheKey() throws Exception {
    config("prod.yaml", "watch_dir: /srv/q\nwatchdir: /typo\n");
    assertThatThrownBy(() -> new ResolveQueueStep().run(PipelineOptions.builder().instance("prod").configDir(etc)
        .build())).isInstanceOf(PipelineException.class).hasMessageContaining("unknown key 'watchdir'")
        .hasMessageNotContaining("\n");
  }
}
