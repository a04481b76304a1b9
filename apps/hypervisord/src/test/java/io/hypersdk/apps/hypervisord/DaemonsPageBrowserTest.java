package io.hypersdk.apps.hypervisord;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.hypersdk.testing.QueueDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The "Conversion daemons" page in a real browser against a real hypervisord and a real queue daemon: each
 * instance with its systemd state, heartbeat, folders and totals; a manifest the running daemon fails shows up
 * without a reload, with its error's first line; an instance without a daemon shows its pending manifest and
 * one claimed by a daemon on another host. The same data is in GET /hyper2kvm/instances' queue_entries.
 */
class DaemonsPageBrowserTest extends DaemonTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocatorAssertions.ContainsTextOptions SLOW =
      new LocatorAssertions.ContainsTextOptions().setTimeout(60_000);

  @Test
  void everyInstanceWithItsQueueRefreshedLive() throws Exception {
    systemctl("inactive", 3); // no systemd unit: found by the heartbeat
    Path watch = dir("web-queue");
    Path output = dir("web-out");
    QueueDaemon.writeConfig(configDir, "web", watch, output);
    Path idleWatch = dir("idle-queue");
    QueueDaemon.writeConfig(configDir, "idle", idleWatch, dir("idle-out"));
    submit(idleWatch, "web01.job-w1.json", "web01", "job-w1");
    submit(Files.createDirectories(idleWatch.resolve(".processing/otherhost-idle")), "db01.job-d1.json", "db01",
        "job-d1");
    try (QueueDaemon queueDaemon = QueueDaemon.startInstance(configDir, "web", work.resolve("logs"));
        Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin);
        Chromium chromium = Chromium.launch(work.resolve("profile"), 1280, 800)) {
      Page page = chromium.context.pages().get(0);
      String base = "http://127.0.0.1:" + d.port + "/";
      page.navigate(base);
      page.evaluate("t => localStorage.setItem('hypervisord.token', t)", d.token);
      page.reload();
      page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Conversion daemons")).click();
      assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Conversion daemons")))
          .isVisible();

      Locator web = page.locator("article[data-instance=web]");
      assertThat(web.getByTestId("daemon-active")).hasText("active");
      assertThat(web.getByTestId("systemd-state")).containsText("inactive");
      assertThat(web.getByTestId("heartbeat")).containsText("-web running");
      assertThat(web).containsText(watch.toString());
      assertThat(web).containsText(output.toString());
      assertThat(web.getByTestId("queue-empty")).isVisible();

      Locator idle = page.locator("article[data-instance=idle]");
      assertThat(idle.getByTestId("daemon-active")).hasText("not active");
      assertThat(idle.getByTestId("heartbeat")).hasText("none");
      assertThat(idle.locator(".queue-row[data-state=pending]")).containsText("web01.job-w1.json");
      assertThat(idle.locator(".queue-row[data-state=pending]")).containsText("VM web01 · job job-w1");
      assertThat(idle.locator(".queue-row[data-state=processing]")).containsText("otherhost-idle");
      assertThat(idle.getByTestId("totals")).containsText("1 pending");
      PageChecks.check(page, "daemons-desktop");

      // The daemon fails a manifest: the page shows it on its next refresh, with the first line of the error.
      submit(watch, "broken.job-broken.json", "broken", "job-broken");
      Path record = output.resolve(".jobs/job-broken.json");
      await("the daemon to fail the manifest").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(watch.resolve(".failed/broken.job-broken.json")) && Files.exists(record));
      String errorLine = JSON.readTree(record.toFile()).path("error").asText().strip().lines().findFirst()
          .orElseThrow();
      Locator failed = web.locator(".queue-row[data-state=failed]");
      assertThat(failed).containsText("broken.job-broken.json", SLOW);
      assertThat(failed.getByTestId("queue-error")).hasText(errorLine);
      assertThat(web.getByTestId("totals")).containsText("1 failed");

      JsonNode api = d.api().get("/hyper2kvm/instances").json().path("queue_entries");
      assertThat(api.path("web").findValuesAsText("state")).containsExactly("failed");
      assertThat(api.path("web").get(0).path("error").asText()).isEqualTo(errorLine);
      assertThat(api.path("idle").findValuesAsText("job_id")).containsExactly("job-w1", "job-d1");
      PageChecks.check(page, "daemons-desktop-failed");

      page.setViewportSize(390, 844);
      assertThat(failed.getByTestId("queue-error")).hasText(errorLine);
      PageChecks.check(page, "daemons-phone");
      assertThat(queueDaemon.term()).isZero();
    }
  }

  /** Writes a manifest under a temporary name and renames it, as the queue contract asks. */
  private static void submit(Path dir, String name, String vm, String jobId) throws Exception {
    Path tmp = dir.resolve("." + name + ".tmp");
    Files.writeString(tmp, "{\"source\": {\"vm_name\": \"" + vm + "\"}, \"metadata\": {\"job_id\": \"" + jobId
        + "\"}}\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }
}
