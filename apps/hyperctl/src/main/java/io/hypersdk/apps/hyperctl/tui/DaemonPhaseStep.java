package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.pipeline.instances.InstanceScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Step 4, the daemon configuration phase: daemon mode on or off, the instance (from the instances found in
 * the config dir), its queue folders prefilled from it, poll interval and timeout, with the live status.
 */
final class DaemonPhaseStep implements Step {
  static final String HERE = "this machine";
  static final String HYPERVISORD = "hypervisord";
  private final WizardModel m;
  private final Form form;
  private DaemonStatusProbe probe;
  private String error;

  DaemonPhaseStep(WizardModel m) {
    this.m = m;
    // A named connection's secrets are hypervisord's, so only hypervisord can run with it.
    FormField runOn = new ChoiceField("Run on", () -> m.connection != null ? List.of(HYPERVISORD)
        : List.of(HERE, HYPERVISORD),
        () -> m.viaHypervisord ? HYPERVISORD : HERE, v -> m.viaHypervisord = v.equals(HYPERVISORD));
    List<FormField> pipeline = List.of(
        new ChoiceField("Daemon mode", () -> List.of("off", "on"), () -> m.daemon ? "on" : "off",
            v -> m.daemon = v.equals("on")),
        new ChoiceField("Instance", this::instanceNames, () -> m.instance.isEmpty() ? "-" : m.instance, this::choose),
        new TextField("Watch dir", () -> m.watchDir, v -> m.watchDir = v, false),
        new TextField("Output dir", () -> m.daemonOutputDir, v -> m.daemonOutputDir = v, false),
        new TextField("Poll interval (s)", () -> m.pollSeconds, v -> m.pollSeconds = v, false),
        new TextField("Timeout (min)", () -> m.timeoutMinutes, v -> m.timeoutMinutes = v, false));
    List<FormField> withRunOn = new ArrayList<>(List.of(runOn));
    withRunOn.addAll(pipeline);
    // Where to run is only a question when a hypervisord was given.
    this.form = new Form(() -> m.hypervisord == null ? pipeline : withRunOn);
  }

  @Override
  public String title() {
    return "Pipeline options: daemon configuration";
  }

  @Override
  public String keyHelp() {
    return Form.KEYS + "  Enter next  Esc back  Ctrl+C quit";
  }

  @Override
  public void enter() {
    try {
      m.instances = new InstanceScanner(m.configDir).scan();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (m.instance.isEmpty() && !m.instances.isEmpty()) {
      choose(m.instances.get(0).name());
    }
    probe = new DaemonStatusProbe(options().orElse(PipelineOptions.builder().configDir(m.configDir).build()));
  }

  @Override
  public void leave() {
    probe.close();
  }

  private List<String> instanceNames() {
    List<String> names = new ArrayList<>();
    m.instances.forEach(i -> names.add(i.name()));
    return names;
  }

  /** Choosing an instance fills its queue folders in, as its config file (or heartbeat) gives them. */
  private void choose(String name) {
    m.instance = name;
    for (InstanceInfo i : m.instances) {
      if (i.name().equals(name) && i.watchDir() != null) {
        m.watchDir = i.watchDir();
        m.daemonOutputDir = i.outputDir();
      }
    }
  }

  private Optional<PipelineOptions> options() {
    try {
      error = null;
      return Optional.of(m.pipelineOptions());
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
      return Optional.empty();
    }
  }

  @Override
  public Transition tick() {
    options().ifPresent(probe::watch);
    return Transition.STAY;
  }

  @Override
  public void render(Canvas c) {
    int row = form.render(c, Canvas.TOP) + 1;
    row = c.wrapped(2, row, (m.viaHypervisord ? "Daemon status (seen from here): " : "Daemon status: ")
        + probe.current(), 4) + 1;
    c.text(2, row++, m.instances.isEmpty() ? "No hyper2kvm instance configured in " + m.configDir
        : "Instances in " + m.configDir + ":");
    for (InstanceInfo i : m.instances) {
      if (row > c.bottom()) {
        break;
      }
      String state = i.error() != null ? "config error: " + i.error() : i.active() ? "active" : "inactive";
      c.text(4, row++, String.format(Locale.ROOT, "%-16s %-9s %s", i.name(), state,
          i.watchDir() == null ? "" : i.watchDir()));
    }
    c.error(error);
  }

  @Override
  public Transition onKey(KeyStroke key) {
    if (key.getKeyType() == KeyType.Escape) {
      return Transition.BACK;
    }
    if (key.getKeyType() == KeyType.Enter) {
      return options().isPresent() ? Transition.NEXT : Transition.STAY;
    }
    form.onKey(key);
    options().ifPresent(probe::watch);
    return Transition.STAY;
  }
}
