package io.hypersdk.apps.hypervisord;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * vSphere jobs submitted from the dashboard in a real browser, against a real hypervisord, a real queue daemon
 * and the vCenter simulator: the provider and its settings come from GET /providers, the VM is picked with
 * "Browse VMs", and the job runs in daemon mode to a qcow2 that passes {@code qemu-img check} — once through
 * the named connection of hypervisord's config, once with credentials typed into the form. The password never
 * comes back: not in the page, the API or hypervisord's output.
 */
class VsphereDashboardTest extends DaemonTestBase {
  private static final String INSTANCE = "web";
  private static final String CONNECTION = "vcenter-sim";
  private static final LocatorAssertions.HasAttributeOptions JOB_TIME =
      new LocatorAssertions.HasAttributeOptions().setTimeout(120_000);

  Vcsim sim;
  QueueDaemon queueDaemon;
  Hypervisord daemon;
  Chromium chromium;
  Page page;
  Path watch;
  Path converted;

  @BeforeEach
  void start() throws Exception {
    sim = Vcsim.start(work.resolve("sim"));
    Path raw = dir("raw");
    for (String vm : List.of("/DC0/vm/DC0_H0_VM0", "/DC0/vm/DC0_H0_VM1")) {
      sim.putDisk(vm, 0, TestDisks.vmdkStreamOptimized(TestDisks.raw(raw, vm.substring(vm.lastIndexOf('/') + 1),
          16, vm.hashCode())));
    }
    Path passwordFile = work.resolve("secrets/" + CONNECTION);
    Files.createDirectories(passwordFile.getParent());
    Files.writeString(passwordFile, Vcsim.PASSWORD + "\n", StandardCharsets.UTF_8);
    Path config = work.resolve("hypervisord.yaml");
    Files.writeString(config, "connections:\n  " + CONNECTION + ":\n    provider: vsphere\n    url: " + sim.url()
        + "\n    username: " + Vcsim.USER + "\n    password_file: " + passwordFile + "\n", StandardCharsets.UTF_8);

    systemctl("inactive", 3); // no systemd unit: the daemon is found by its heartbeat
    watch = dir("queue");
    converted = dir("converted");
    QueueDaemon.writeConfig(configDir, INSTANCE, watch, converted);
    queueDaemon = QueueDaemon.startInstance(configDir, INSTANCE, work.resolve("logs"));
    daemon = Hypervisord.start(work, work.resolve("data"), configDir, bin, "--config", config.toString());
    chromium = Chromium.launch(work.resolve("profile"), 1280, 800);
    page = chromium.context.pages().get(0);
    String base = "http://127.0.0.1:" + daemon.port + "/";
    page.navigate(base);
    page.evaluate("t => localStorage.setItem('hypervisord.token', t)", daemon.token);
    page.navigate(base + "#/submit");
    page.reload();
  }

  @AfterEach
  void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (daemon != null) {
      daemon.close();
    }
    if (queueDaemon != null) {
      queueDaemon.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void aJobThroughTheNamedConnectionWithTheVmPickedByBrowsing() throws Exception {
    page.locator("[name=provider]").selectOption("vsphere");
    // The connections arrive with their own request; on a loaded CI machine that can take longer than the
    // 15 s an action waits for its element to be enabled.
    assertThat(page.locator("[name=connection] option[value=" + CONNECTION + "]"))
        .hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
    page.locator("[name=connection]").selectOption(CONNECTION);
    // The connection sets these; their fields are hidden, the password's above all.
    for (String hidden : List.of("url", "username", "password", "password_file")) {
      assertThat(page.locator("[name='settings." + hidden + "']")).hasCount(0);
    }
    for (String set : List.of("url", "username", "password_file")) {
      assertThat(page.getByTestId("connection-note")).containsText(set);
    }
    String vm = "/DC0/vm/DC0_H0_VM0";
    browseAndPick(vm);
    String id = submitAndComplete("vm0 via " + CONNECTION, "desktop-connection");
    assertThat(page.getByTestId("connection")).hasText("via connection " + CONNECTION);
    assertThat(daemon.api().get("/jobs/" + id).json().path("definition").path("connection").asText())
        .isEqualTo(CONNECTION);
  }

  @Test
  void aJobWithCredentialsTypedIntoTheForm() throws Exception {
    page.setViewportSize(390, 844);
    page.locator("[name=provider]").selectOption("vsphere");
    assertThat(page.locator("[name=connection]")).hasValue("");
    Locator password = page.locator("[name='settings.password']");
    assertThat(password).hasAttribute("type", "password");
    assertThat(password).hasValue("");
    assertThat(page.getByLabel("URL")).hasAttribute("required", "");
    page.locator("[name='settings.url']").fill(sim.url());
    page.locator("[name='settings.username']").fill(Vcsim.USER);
    // A wrong password: Browse VMs says why in one line, without the password.
    password.fill("Wr0ng-but-secret");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Browse VMs")).click();
    Locator vmError = page.getByTestId("vm-error");
    assertThat(vmError).containsText(Vcsim.USER);
    assertThat(vmError.innerText()).doesNotContain("Wr0ng-but-secret").doesNotContain("\n");
    PageChecks.check(page, "form-phone-vsphere-login-refused");
    password.fill(Vcsim.PASSWORD);
    String vm = "/DC0/vm/DC0_H0_VM1";
    browseAndPick(vm);
    PageChecks.check(page, "form-phone-vsphere-inline");
    page.setViewportSize(1280, 800);
    String id = submitAndComplete("vm1 inline", "desktop-inline");

    String job = daemon.api().get("/jobs/" + id).body();
    assertThat(job).doesNotContain(Vcsim.PASSWORD);
    assertThat(page.content()).doesNotContain(Vcsim.PASSWORD);
    assertThat(daemon.output()).doesNotContain(Vcsim.PASSWORD);
  }

  /** Ticks power_off (the simulator's VMs run), lists the VMs and picks {@code vm}, which fills the VM path. */
  private void browseAndPick(String vm) {
    page.locator("[name='settings.power_off']").check();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Browse VMs")).click();
    Locator row = page.locator(".vm-row[data-path='" + vm + "']");
    assertThat(row).containsText("poweredOn");
    assertThat(row).containsText("1 vCPU");
    assertThat(row).containsText("32 MiB");
    assertThat(page.locator(".vm-row")).hasCount(sim.vmPaths().size());
    PageChecks.check(page, "form-vms-" + page.viewportSize().width);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use " + vm)).click();
    assertThat(page.locator("[name=vm_path]")).hasValue(vm);
    assertThat(page.getByTestId("vm-list")).hasCount(0);
  }

  /** Fills the rest of the form for daemon mode, submits, follows the job to completed; returns its id. */
  private String submitAndComplete(String name, String shot) throws Exception {
    page.locator("[name=name]").fill(name);
    Path export = work.resolve("export-" + name.replace(' ', '-'));
    page.locator("[name=output_dir]").fill(export.toString());
    // The simulator's disks hold no operating system, which the fix refuses.
    page.locator("[name=fix]").uncheck();
    page.locator("[name=hyper2kvm_daemon]").check();
    page.locator("[name=hyper2kvm_instance]").selectOption(INSTANCE);
    page.locator("[name=hyper2kvm_poll_interval]").fill("0.2");
    page.locator("[name=hyper2kvm_daemon_timeout]").fill("2");
    assertThat(page.getByTestId("daemon-indicator")).hasAttribute("data-state", "active", JOB_TIME);
    PageChecks.check(page, "form-" + shot);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit job")).click();
    assertThat(page).hasURL(Pattern.compile("#/jobs$"));
    Locator row = page.locator(".job-row").filter(new Locator.FilterOptions().setHasText(name));
    assertThat(row.locator(".badge")).hasAttribute("data-status", "completed", JOB_TIME);
    row.click();
    assertThat(page.getByTestId("pipeline-mode")).hasText("daemon");
    Locator outputs = page.getByTestId("outputs");
    assertThat(outputs).containsText(".qcow2");
    PageChecks.check(page, "job-detail-" + shot);
    String id = page.url().replaceAll(".*#/jobs/", "");
    String qcow2 = daemon.api().get("/jobs/" + id).json().path("result").path("outputs").get(0).asText();
    assertThat(Path.of(qcow2)).isRegularFile().startsWith(converted);
    Tools.Outcome check = Tools.exec(List.of(Tools.require("qemu-img", "qemu-utils").toString(), "check", qcow2));
    assertThat(check.exitCode()).as("qemu-img check %s: %s", qcow2, check).isZero();
    return id;
  }
}
