package io.hypersdk.providers.vsphere.vim25;

import java.time.Duration;
import java.util.List;

/** Waits for vSphere tasks by polling their {@code info.state}. */
public final class Tasks {
  private Tasks() {}

  /** Waits until {@code task} succeeds; an error becomes a VimFault with the task's message. */
  public static void await(VimConnection vim, MoRef task, Duration timeout) throws VimFault, InterruptedException {
    PropertyCollector pc = new PropertyCollector(vim);
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 100;
    while (true) {
      ObjectContent c = pc.retrieveOne(task, List.of("info.state", "info.error"));
      String state = c.text("info.state").orElse("");
      if (state.equals("success")) {
        return;
      }
      if (state.equals("error")) {
        String type = c.val("info.error").flatMap(e -> Xml.child(e, "fault")).map(Xml::type).orElse("TaskError");
        String msg = c.val("info.error").flatMap(e -> Xml.text(e, "localizedMessage")).filter(s -> !s.isEmpty())
            .orElse(type);
        throw new VimFault(type, msg);
      }
      if (System.nanoTime() > deadline) {
        throw new VimFault("Timeout", "task " + task.value() + " did not finish within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(sleep);
      sleep = Math.min(sleep * 2, 2000);
    }
  }
}
