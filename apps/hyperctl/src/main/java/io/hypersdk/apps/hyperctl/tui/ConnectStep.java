package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Step 1: the provider and how to reach it; Enter connects and lists the VMs. */
final class ConnectStep implements Step {
  private final WizardModel m;
  private final Form form;
  private boolean connecting;
  private String error;

  ConnectStep(WizardModel m) {
    this.m = m;
    FormField provider = new ChoiceField("Provider", m.providers::names, () -> m.provider, v -> m.provider = v);
    Map<String, List<FormField>> byProvider = new HashMap<>();
    this.form = new Form(() -> byProvider.computeIfAbsent(m.provider, p -> {
      List<FormField> fields = new ArrayList<>(List.of(provider));
      fields.addAll(SettingFields.of(m.specs(), m.settings()));
      return fields;
    }));
  }

  @Override
  public String title() {
    return "Connect to a provider";
  }

  @Override
  public String keyHelp() {
    return Form.KEYS + "  Enter connect  Ctrl+C quit";
  }

  @Override
  public void render(Canvas c) {
    int row = form.render(c, Canvas.TOP);
    row++;
    int focus = form.focused();
    List<SettingSpec> specs = m.specs();
    // The focused setting's declaration says what to type; on the Provider row, which providers there are.
    row = c.wrapped(2, row, focus == 0 ? "Providers in this build: " + String.join(", ", m.providers.names())
        : SettingFields.hint(specs.get(focus - 1)), 3);
    if (specs.stream().anyMatch(SettingSpec::secret)) {
      c.text(2, row++, "Secret settings are masked, held in memory only and never stored.");
    }
    if (connecting) {
      c.text(2, row + 1, "connecting to " + m.provider + "…");
    }
    c.error(error);
  }

  @Override
  public Transition onKey(KeyStroke key) {
    if (key.getKeyType() == KeyType.Enter) {
      connecting = true;
      error = null;
      return Transition.STAY;
    }
    form.onKey(key);
    return Transition.STAY;
  }

  /** Connects on the tick after Enter, so "connecting…" is on the screen while the provider answers. */
  @Override
  public Transition tick() {
    if (!connecting) {
      return Transition.STAY;
    }
    connecting = false;
    try {
      m.closeSession();
      m.session = ProviderConnection.open(m);
      m.vms = m.session.listVms();
    } catch (ProviderException e) {
      error = e.getMessage();
      return Transition.STAY;
    }
    // Keep earlier choices that still exist, so going back and reconnecting loses nothing.
    m.selected.retainAll(m.vms.stream().map(VmSummary::path).toList());
    return Transition.NEXT;
  }
}
