package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Daemon detection through systemd, with a {@code systemctl} stand-in first on PATH. */
class SystemdDetectionTest extends EndToEndTest {

  @Test
  void anActiveUnitMeansDaemonMode() {
    SystemctlStandIn log = SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");
    QueueDaemon d = tools.daemon(QueueDaemon.writeConfig(work.resolve("etc/d.yaml"), q.watch(), q.output(), 2),
        q.watch(), q.output());

    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output",
        work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
        q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--hyper2kvm-poll-interval", "0.2",
        "--json");

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    JsonNode exec = r.json().path("pipeline").path("execution");
    assertThat(exec.path("mode").asText()).isEqualTo("daemon");
    assertThat(exec.path("reason").asText()).isEqualTo("systemctl is-active hyper2kvm.service: active");
    assertThat(exec.path("service").asText()).isEqualTo("hyper2kvm.service");
    assertThat(r.json().path("pipeline").path("converter").asText()).isEqualTo("hyper2kvm.service");
    assertThat(log.calls()).containsExactly("is-active hyper2kvm.service",
        "show hyper2kvm.service --property=PrivateTmp,ProtectHome");
    assertWebConverted(q.output());
  }

  @Test
  void anActiveUnitThatCannotSeeTheExportMeansDirectModeWithTheReason() {
    // As the shipped units: a /tmp of the service's own. This test's folders are under java.io.tmpdir.
    assertThat(work.toAbsolutePath().toString()).startsWith("/tmp/");
    SystemctlStandIn log = SystemctlStandIn.install(bin());
    log.properties("hyper2kvm@blue.service", "ActiveState=active", "PrivateTmp=yes", "ProtectHome=yes");
    Queue q = queue("q");
    Path out = work.resolve("export");

    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-instance", "blue", "--hyper2kvm-watch-dir",
        q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(log.calls()).containsExactly("is-active hyper2kvm@blue.service",
        "show hyper2kvm@blue.service --property=PrivateTmp,ProtectHome");
    assertThat(r.stderrLines()).as("%s", r).anySatisfy(l -> assertThat(l).startsWith("warning: ")
        .contains("hyper2kvm@blue.service cannot read " + out + "/")
        .contains("PrivateTmp=yes").contains("using direct mode"));
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("direct");
    assertWebConverted(out);
    assertThat(names(q.watch())).as("nothing was submitted").isEmpty();
  }

  @Test
  void anInactiveUnitWithoutHeartbeatFallsBackToDirectModeWithAWarning() {
    SystemctlStandIn log = SystemctlStandIn.install(bin()).answerAll("inactive", 3);
    Queue q = queue("q");
    Path out = work.resolve("export");

    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-instance", "blue", "--hyper2kvm-watch-dir",
        q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(log.calls()).containsExactly("is-active hyper2kvm@blue.service");
    assertThat(r.stderrLines()).as("%s", r).anySatisfy(l -> assertThat(l).startsWith("warning: ")
        .contains("hyper2kvm@blue.service is not active (systemctl: inactive)").contains("direct mode"));
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("direct");
    assertThat(p.path("execution").path("reason").asText()).contains("hyper2kvm@blue.service");
    assertThat(p.path("warnings")).extracting(JsonNode::asText)
        .anySatisfy(w -> assertThat(w).contains("hyper2kvm@blue.service"));
    assertThat(p.path("outputs")).extracting(JsonNode::asText)
        .containsExactly(out.resolve("web01.qcow2").toString(), out.resolve("web01-disk-1.qcow2").toString());
    assertWebConverted(out);
    assertThat(names(q.watch())).as("nothing was submitted").isEmpty();
    assertThat(names(q.output())).isEmpty();
  }
}
