package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmSummary;
import java.util.List;

/** Step 1: the provider and how to reach it; Enter connects and lists the VMs. */
final class ConnectStep implements Step {
  private final WizardModel m;
  private final Form form;
  private boolean connecting;
  private String error;

  ConnectStep(WizardModel m) {
    this.m = m;
    FormField provider = new ChoiceField("Provider", () -> List.of(WizardModel.LOCAL, WizardModel.VSPHERE),
        () -> m.provider, v -> m.provider = v);
    List<FormField> local = List.of(provider, new TextField("Source folder", () -> m.source, v -> m.source = v, false));
    List<FormField> vsphere = List.of(provider,
        new TextField("vCenter URL", () -> m.vcenterUrl, v -> m.vcenterUrl = v, false),
        new TextField("Username", () -> m.username, v -> m.username = v, false),
        new TextField("Password", () -> m.password, v -> m.password = v, true),
        new TextField("or password file", () -> m.passwordFile, v -> m.passwordFile = v, false),
        new ChoiceField("Any TLS certificate", () -> List.of("no", "yes"), () -> m.insecure ? "yes" : "no",
            v -> m.insecure = v.equals("yes")),
        new ChoiceField("Power off running VMs", () -> List.of("no", "yes"), () -> m.powerOff ? "yes" : "no",
            v -> m.powerOff = v.equals("yes")));
    this.form = new Form(() -> WizardModel.LOCAL.equals(m.provider) ? local : vsphere);
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
    if (WizardModel.LOCAL.equals(m.provider)) {
      c.text(2, row, "local: a folder of OVAs, OVF files and disk images; each one is a VM.");
    } else {
      c.text(2, row, "vsphere: the password is never shown; a password file's first line is read.");
    }
    if (connecting) {
      c.text(2, row + 2, "connecting to " + m.provider + "…");
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
