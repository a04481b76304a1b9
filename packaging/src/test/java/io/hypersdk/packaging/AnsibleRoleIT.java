package io.hypersdk.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playbook and role in deploy/ansible: valid, lint-clean, and writing configs the daemon reads as meant. */
class AnsibleRoleIT {
  private static final Path ANSIBLE = BuiltPackages.module().resolve("../deploy/ansible").normalize();

  @Test
  void playbookPassesTheSyntaxCheck() {
    Tools.require("ansible-playbook", "ansible-core");
    Tools.Outcome check = Tools.exec(List.of("ansible-playbook", "-i", "localhost,", "--syntax-check",
        ANSIBLE.resolve("playbook.yml").toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void ansibleLintPassesWithTheProductionProfile() {
    Tools.require("ansible-lint", "ansible-lint");
    Tools.Outcome lint = Tools.exec(List.of("sh", "-c", "cd '" + ANSIBLE + "' && ansible-lint --nocolor"));
    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("Passed with production profile");
  }

  @Test
  void instanceConfigsAndDropInsSayWhatTheInventoryAsked(@TempDir Path dir) throws Exception {
    Tools.require("ansible-playbook", "ansible-core");
    Path vars = dir.resolve("vars.yml");
    Files.writeString(vars, """
        hyper2kvm_instances:
          - name: prod
            watch_dir: /srv/h2k/prod/queue
            output_dir: /srv/h2k/prod/output
            max_concurrent: 2
            compress: true
            stop_timeout_seconds: 120
          - name: plain
        """);
    Path render = BuiltPackages.module().resolve("src/test/resources/ansible/render.yml");
    Tools.Outcome run = Tools.exec(List.of("ansible-playbook", "-i", "localhost,", render.toString(),
        "-e", "role_dir=" + ANSIBLE.resolve("roles/hypersdk"), "-e", "out=" + dir, "-e", "@" + vars));
    assertThat(run.exitCode()).as(run.output()).isZero();

    DaemonConfig prod = DaemonConfig.resolve(DaemonConfig.readFile(dir.resolve("prod.yaml"), true), "prod",
        null, null, null);
    assertThat(prod.watchDir()).isEqualTo(Path.of("/srv/h2k/prod/queue"));
    assertThat(prod.outputDir()).isEqualTo(Path.of("/srv/h2k/prod/output"));
    assertThat(prod.maxConcurrent()).isEqualTo(2);
    assertThat(prod.compress()).isTrue();
    assertThat(prod.stopTimeoutSeconds()).isEqualTo(120);
    assertThat(Files.readString(dir.resolve("prod.conf")))
        .contains("ReadWritePaths=/srv/h2k/prod/queue /srv/h2k/prod/output\n", "TimeoutStopSec=180\n");

    DaemonConfig plain = DaemonConfig.resolve(DaemonConfig.readFile(dir.resolve("plain.yaml"), true), "plain",
        null, null, null);
    assertThat(plain.watchDir()).isEqualTo(BuiltPackages.daemonDefaults().watchDir());
    // No dirs of its own: no ReadWritePaths line, which would otherwise reset the unit's list.
    assertThat(Files.readString(dir.resolve("plain.conf"))).doesNotContain("ReadWritePaths")
        .contains("TimeoutStopSec=90\n");
  }
}
