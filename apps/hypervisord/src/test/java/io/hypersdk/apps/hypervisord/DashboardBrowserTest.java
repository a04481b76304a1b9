package io.hypersdk.apps.hypervisord;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.hypersdk.testing.QueueDaemon;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian's chromium through Playwright) against a real hypervisord and a
 * real queue daemon: token entry, the submission form with its daemon section and live daemon status (active,
 * then the fallback when the daemon stops, then active again), a job submitted from the form followed to
 * completion on the jobs page and its result on the detail page; the form at phone width with an API error.
 * Screenshots are left in target/screenshots/.
 */
class DashboardBrowserTest extends DaemonTestBase {
  private static final String INSTANCE = "web";

  @Test
  void aJobSubmittedFromTheFormRunsThroughTheChosenDaemon() throws Exception {
    systemctl("inactive", 3); // no systemd unit: the daemon is found by its heartbeat
    Path watch = dir("queue");
    Path output = dir("converted");
    QueueDaemon.writeConfig(configDir, INSTANCE, watch, output);
    QueueDaemon queueDaemon = QueueDaemon.startInstance(configDir, INSTANCE, work.resolve("logs"));
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin);
        Chromium chromium = Chromium.launch(work.resolve("profile"), 1280, 800)) {
      Page page = chromium.context.pages().get(0);
      String base = "http://127.0.0.1:" + d.port + "/";
      page.navigate(base);

      // First visit: the token page; a wrong token is refused, the right one is kept.
      page.locator("#token").fill("not-the-token");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save token")).click();
      assertThat(page.getByRole(AriaRole.ALERT)).containsText("refused");
      PageChecks.check(page, "token-desktop");
      page.locator("#token").fill(d.token);
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save token")).click();
      assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Jobs"))).isVisible();

      // The form: VM, output, provider; daemon mode with the instance picked from /hyper2kvm/instances.
      page.locator("nav").getByText("New job").click();
      page.locator("[name=name]").fill("web01 from the dashboard");
      page.locator("[name=vm_path]").fill(ova.toString());
      page.locator("[name=output_dir]").fill(work.resolve("export").toString());
      page.locator("[name=provider]").selectOption("local");
      // Until GET /connections answers the select says so; this daemon has none, which it then says.
      assertThat(page.locator("[name=connection] option[value='']")).hasText("none configured");
      assertThat(page.locator("[name=connection]")).isDisabled();
      // The sample disk holds no operating system, which the fix refuses; the boot check is asked to stay off.
      assertThat(page.locator("[name=fix]")).isChecked();
      page.locator("[name=fix]").uncheck();
      Locator bootCheck = page.locator("[name=boot_check]");
      assertThat(bootCheck).hasValue("");
      bootCheck.selectOption("warn");
      assertThat(page.locator("[name=boot_check_timeout]")).isVisible();
      bootCheck.selectOption("off");
      assertThat(page.locator("[name=boot_check_timeout]")).hasCount(0);
      page.locator("[name=hyper2kvm_daemon]").check();
      Locator select = page.locator("[name=hyper2kvm_instance]");
      assertThat(select.locator("option[value=" + INSTANCE + "]")).hasCount(1);
      select.selectOption(INSTANCE);
      assertThat(page.locator("[name=hyper2kvm_watch_dir]")).hasValue(watch.toString());
      assertThat(page.locator("[name=hyper2kvm_output_dir]")).hasValue(output.toString());
      page.locator("[name=hyper2kvm_poll_interval]").fill("0.2");
      page.locator("[name=hyper2kvm_daemon_timeout]").fill("2");
      page.locator("[name=libvirt_integration]").check();
      page.locator("[name=libvirt_uri]").fill("test:///default");

      Locator indicator = page.getByTestId("daemon-indicator");
      LocatorAssertions.HasAttributeOptions slow = new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);
      assertThat(indicator).hasAttribute("data-state", "active", slow);
      assertThat(indicator).containsText("is active");
      assertThat(indicator).containsText("heartbeat");
      PageChecks.check(page, "form-desktop-daemon-active");

      // The daemon stops: the indicator turns to the fallback, with the reason; it comes back when it starts.
      queueDaemon.term();
      assertThat(indicator).hasAttribute("data-state", "fallback", slow);
      assertThat(indicator).containsText("fall back to direct mode");
      PageChecks.check(page, "form-desktop-daemon-fallback");
      queueDaemon = QueueDaemon.startInstance(configDir, INSTANCE, work.resolve("logs"));
      assertThat(indicator).hasAttribute("data-state", "active", slow);

      // Submit: the jobs page shows the job reach completed.
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit job")).click();
      assertThat(page).hasURL(Pattern.compile("#/jobs$"));
      assertThat(page.getByTestId("live")).hasAttribute("data-live", "true"); // following GET /events
      Locator row = page.locator(".job-row").filter(new Locator.FilterOptions().setHasText("web01 from the dashboard"));
      assertThat(row).hasCount(1);
      assertThat(row.locator(".badge")).hasAttribute("data-status", "completed",
          new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
      assertThat(row).containsText("100 %");
      PageChecks.check(page, "jobs-desktop");

      // The detail page: mode and why, the outputs, the domain, the log.
      row.click();
      assertThat(page.getByTestId("pipeline-mode")).hasText("daemon");
      assertThat(page.getByTestId("pipeline-reason")).containsText("heartbeat");
      assertThat(page.getByTestId("outputs")).containsText(output.resolve(VM + ".qcow2").toString());
      assertThat(page.getByTestId("libvirt-domain")).hasText(VM);
      assertThat(page.getByTestId("log")).containsText("submitted");
      assertThat(page.getByTestId("guest-options")).hasText("no fix, boot check off");
      PageChecks.check(page, "job-detail-desktop");
      JsonNode options = d.api().get("/jobs/" + page.url().replaceAll(".*#/jobs/", "")).json()
          .path("definition").path("options");
      assertThat(options.path("fix").asBoolean(true)).as("%s", options).isFalse();
      assertThat(options.path("boot_check").asText()).as("%s", options).isEqualTo("off");

      // Phone width: the jobs page, the detail page, and the form, where an API error shows at its field.
      page.setViewportSize(390, 844);
      PageChecks.check(page, "job-detail-phone");
      page.navigate(base + "#/jobs");
      assertThat(row.locator(".badge")).hasAttribute("data-status", "completed");
      PageChecks.check(page, "jobs-phone");
      page.navigate(base + "#/submit");
      page.locator("[name=vm_path]").fill(ova.toString());
      page.locator("[name=output_dir]").fill("relative/export2");
      page.locator("[name=provider]").selectOption("local");
      page.locator("[name=hyper2kvm_daemon]").check();
      page.locator("[name=hyper2kvm_instance]").selectOption(INSTANCE);
      assertThat(indicator).hasAttribute("data-state", "active", slow);
      PageChecks.check(page, "form-phone");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit job")).click();
      assertThat(page.locator(".field-error[data-field=output_dir]")).containsText("absolute");
      assertThat(page.locator("[name=output_dir]")).hasClass(Pattern.compile("invalid"));
      PageChecks.check(page, "form-phone-error");

      // A token the API refuses sends the user back to the token page.
      page.evaluate("localStorage.setItem('hypervisord.token', 'revoked')");
      page.reload();
      assertThat(page.locator("#token")).isVisible();
      assertThat(page.getByText("refused the saved token")).isVisible();
      PageChecks.check(page, "token-phone");
    } finally {
      queueDaemon.close();
    }
  }
}
