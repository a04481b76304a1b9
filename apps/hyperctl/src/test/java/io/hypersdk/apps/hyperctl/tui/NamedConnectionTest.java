package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.apps.hyperctl.client.ConnectionSettings;
import io.hypersdk.apps.hypervisord.Hypervisord;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With --hypervisord, the Connect step offers hypervisord's named connections beside typed settings: picking one
 * lists the VMs through hypervisord, and the job names the connection instead of carrying settings, so its
 * password (in a file on hypervisord's side) never reaches the wizard, the screen or the job.
 */
@Timeout(300)
class NamedConnectionTest {
  static final String VM = "/DC0/vm/DC0_H0_VM0";

  @TempDir
  Path work;

  @Test
  void aNamedConnectionListsTheVmsAndTheJobNamesIt() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path secrets = Files.createDirectories(work.resolve("secrets"));
    Files.writeString(secrets.resolve("lab"), Vcsim.PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.writeString(secrets.resolve("bad"), "not-the-password\n", StandardCharsets.UTF_8);
    Path out = work.resolve("out");
    try (Vcsim sim = Vcsim.start(work.resolve("sim"))) {
      sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(TestDisks.raw(Files.createDirectories(work.resolve("raw")),
          "boot", 16, 47)));
      Path config = work.resolve("hypervisord.yaml");
      Files.writeString(config, """
          connections:
            lab: {provider: vsphere, url: "%s", username: %s, password_file: %s, power_off: true}
            bad: {provider: vsphere, url: "%s", username: %s, password_file: %s}
            other: {provider: local, root: %s}
          """.formatted(sim.url(), Vcsim.USER, secrets.resolve("lab"), sim.url(), Vcsim.USER, secrets.resolve("bad"),
          work), StandardCharsets.UTF_8);
      Path etc = Files.createDirectories(work.resolve("etc-hyper2kvm"));
      try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), etc, null, "--config", config.toString())) {
        String url = "http://127.0.0.1:" + d.port;
        WizardModel m = new WizardModel(etc, HyperConvert.inThisJvm());
        m.hypervisord = new ConnectionSettings(URI.create(url), d.token);
        m.fix = false; // the simulator's disk holds no operating system, which the fix refuses
        try (VirtualWizard w = VirtualWizard.of(m)) {
          w.shows("step 1/7", "Connection", "< enter settings >", "Provider", "< local >",
              "Named connections of hypervisord: bad (vsphere), lab (vsphere), other (local); or enter the settings "
              + "below");

          // enter settings -> bad: hypervisord's refusal of its login is one line, and the step stays.
          w.type(" ").shows("< bad (vsphere) >");
          w.key(KeyType.Enter);
          String refused = w.shows("rejected the login of " + Vcsim.USER);
          assertThat(refused).contains("step 1/7").doesNotContain("not-the-password");

          // bad -> lab: the provider's fields give way to the connection.
          String picked = w.type(" ").shows("< lab (vsphere) >", "lab on hypervisord: vsphere,",
              "url " + sim.url(), "username " + Vcsim.USER);
          assertThat(picked).contains("power_off true", "its secrets stay on hypervisord")
              .doesNotContain("Provider  ", "Password", "Secret settings are masked");
          w.key(KeyType.Enter);
          String list = w.shows(Duration.ofSeconds(90), "step 2/7: Pick VMs", "DC0_H0_VM0", "DC0_C0_RP0_VM1");
          assertThat(list).containsPattern("DC0_H0_VM0 +poweredOn +1 +32 MiB +1  " + VM);

          w.type("/H0_VM0").key(KeyType.Enter).type(" ").key(KeyType.Enter);
          w.shows("step 3/7");
          w.type(out.toString()).key(KeyType.Enter);
          // Only hypervisord holds the connection's password, so only it can run the job.
          w.shows("step 4/7", "Run on", "< hypervisord >");
          w.type(" ").shows("< hypervisord >");
          w.key(KeyType.Enter);
          w.shows("step 5/7", "Provider:  vsphere, hypervisord's connection lab", "Run on:    hypervisord at " + url);
          w.key(KeyType.Enter);

          String summary = w.shows(Duration.ofSeconds(200), "step 7/7");
          assertThat(summary).contains("Summary: 1 of 1 migrated", "DC0_H0_VM0: ok");
          Path qcow2 = out.resolve("DC0_H0_VM0/DC0_H0_VM0.qcow2");
          assertThat(VirtualWizard.flat(summary)).contains("qcow2: " + qcow2);
          assertThat(Tools.exec(List.of("qemu-img", "check", qcow2.toString())).exitCode()).isZero();
          assertThat(sim.soapCalls()).contains("ShutdownGuest", "ExportVm");
          w.type("q");
          assertThat(w.awaitExit()).isZero();
        }
        // The job names the connection and carries no settings of its own.
        JsonNode jobs = d.api().get("/jobs").json();
        JsonNode job = null;
        for (JsonNode j : jobs.isArray() ? jobs : jobs.path("jobs")) {
          if (j.toString().contains("hyperctl interactive: DC0_H0_VM0")) {
            job = d.api().get("/jobs/" + j.path("id").asText()).json();
          }
        }
        assertThat(job).as("hypervisord's job of the wizard, in %s", jobs).isNotNull();
        JsonNode def = job.path("definition");
        assertThat(def.path("connection").asText()).isEqualTo("lab");
        assertThat(def.path("provider").asText()).isEqualTo("vsphere");
        assertThat(def.path("settings").size()).as("settings of %s", def).isZero();
        assertThat(job.toString()).doesNotContain(Vcsim.PASSWORD);
        assertThat(d.output()).doesNotContain(Vcsim.PASSWORD);
      }
    }
  }
}
