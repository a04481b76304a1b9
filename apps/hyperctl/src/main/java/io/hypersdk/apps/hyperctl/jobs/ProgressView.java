package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient.Event;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * How {@code jobs watch} shows a job's events: a progress bar on a terminal; otherwise one line per change
 * of status, phase or whole percent, and each log line, which reads well in a log file or a CI output.
 */
final class ProgressView implements AutoCloseable {
  private final String id;
  private final PrintWriter out;
  private final ProgressBar bar;
  private String lastProgress;

  private ProgressView(String id, PrintWriter out, ProgressBar bar) {
    this.id = id;
    this.out = out;
    this.bar = bar;
  }

  static ProgressView open(String id, PrintWriter out) {
    ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName(id).setInitialMax(100)
        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    return new ProgressView(id, out, bar);
  }

  void show(Event e) {
    switch (e.type() == null ? "" : e.type()) {
      case "job" -> {
        status(e.data().path("status").asText());
        progress(e.data().path("progress"));
      }
      case "status" -> status(e.data().asText());
      case "progress" -> progress(e.data());
      case "log" -> {
        if (bar == null) {
          line("log " + e.data().path("level").asText() + " " + e.data().path("message").asText());
        }
      }
      default -> {
        // Event types added later are not shown.
      }
    }
  }

  private void status(String status) {
    if (bar != null) {
      bar.setExtraMessage(status);
    } else {
      line("status " + status);
    }
  }

  private void progress(JsonNode p) {
    if (!p.isObject()) {
      return;
    }
    long percent = Math.round(p.path("percent_complete").asDouble());
    String phase = p.path("phase").asText("");
    if (bar != null) {
      bar.stepTo(percent);
      bar.setExtraMessage(phase);
      return;
    }
    String text = String.format(Locale.ROOT, "progress %s %d%%", phase, percent);
    if (!text.equals(lastProgress)) {
      lastProgress = text;
      line(text);
    }
  }

  private void line(String text) {
    out.println(id + " " + text);
    out.flush();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
