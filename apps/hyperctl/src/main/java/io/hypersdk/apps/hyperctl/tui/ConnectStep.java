package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step 1: the provider and how to reach it, or one of hypervisord's named connections when a hypervisord was
 * given; Enter connects and lists the VMs.
 */
final class ConnectStep implements Step {
  /** The Connection choice that means: type the provider's settings here. */
  static final String ENTER_SETTINGS = "enter settings";
  /** Rows under the fields: a blank, up to three of hint, the secrets line, a blank and "connecting…". */
  private static final int BELOW_FIELDS = 7;
  private final WizardModel m;
  private final Form form;
  private boolean connecting;
  private String error;

  ConnectStep(WizardModel m) {
    this.m = m;
    FormField provider = new ChoiceField("Provider", m.providers::names, () -> m.provider, v -> m.provider = v);
    FormField connection = new ChoiceField("Connection", this::connectionChoices,
        () -> m.connection == null ? ENTER_SETTINGS : m.connection.label(), this::chooseConnection);
    Map<String, List<FormField>> byProvider = new HashMap<>();
    this.form = new Form(() -> {
      if (m.connection != null) {
        return List.of(connection);
      }
      List<FormField> fields = byProvider.computeIfAbsent(m.provider, p -> {
        List<FormField> f = new ArrayList<>(List.of(provider));
        f.addAll(SettingFields.of(m.specs(), m.settings()));
        return f;
      });
      if (m.hypervisord == null) {
        return fields;
      }
      List<FormField> all = new ArrayList<>(List.of(connection));
      all.addAll(fields);
      return all;
    });
  }

  /** Lists hypervisord's named connections each time the step is shown, so one added meanwhile is offered. */
  @Override
  public void enter() {
    if (m.hypervisord == null) {
      return;
    }
    try {
      m.connections = HypervisordConnection.list(new HypervisordClient(m.hypervisord));
      if (m.connection != null && !m.connections.contains(m.connection)) {
        m.connection = null;
      }
    } catch (HypervisordException e) {
      error = "cannot list hypervisord's connections: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<String> connectionChoices() {
    List<String> all = new ArrayList<>(List.of(ENTER_SETTINGS));
    m.connections.forEach(c -> all.add(c.label()));
    return all;
  }

  private void chooseConnection(String label) {
    m.connection = m.connections.stream().filter(c -> c.label().equals(label)).findFirst().orElse(null);
    if (m.connection != null) {
      m.provider = m.connection.provider();
    }
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
    // The hint, the secrets line and "connecting…" stay on screen below the fields; the fields scroll.
    int row = form.render(c, Canvas.TOP, Math.max(3, c.bottom() - Canvas.TOP + 1 - BELOW_FIELDS));
    row++;
    row = c.wrapped(2, row, hint(form.focused()), 3);
    List<SettingSpec> specs = m.specs();
    if (m.connection == null && specs.stream().anyMatch(SettingSpec::secret)) {
      c.text(2, row++, "Secret settings are masked, held in memory only and never stored.");
    }
    if (connecting) {
      c.text(2, row + 1, m.connection != null ? "listing the VMs of " + m.connection.name() + " on hypervisord…"
          : "connecting to " + m.provider + "…");
    }
    c.error(error);
  }

  /**
   * What the focused row is about: on Connection, hypervisord's connections (or the chosen one's settings,
   * never a secret); on Provider, the providers there are; on a setting, its declaration.
   */
  private String hint(int focus) {
    int connectionRows = m.hypervisord == null ? 0 : 1;
    if (focus < connectionRows) {
      if (m.connection != null) {
        return m.connection.name() + " on hypervisord: " + m.connection.provider() + m.connection.settings()
            .entrySet().stream().map(e -> ", " + e.getKey() + " " + e.getValue()).collect(Collectors.joining())
            + "; its secrets stay on hypervisord";
      }
      return m.connections.isEmpty() ? "hypervisord at " + m.hypervisord.url() + " has no named connections"
          : "Named connections of hypervisord: " + m.connections.stream().map(HypervisordConnection::label)
              .collect(Collectors.joining(", ")) + "; or enter the settings below";
    }
    return focus == connectionRows ? "Providers in this build: " + String.join(", ", m.providers.names())
        : SettingFields.hint(m.specs().get(focus - connectionRows - 1));
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
      if (m.connection != null) {
        m.vms = m.connection.vms(new HypervisordClient(m.hypervisord));
        // The connection's secrets are hypervisord's: only it can export through it.
        m.viaHypervisord = true;
      } else {
        m.session = ProviderConnection.open(m);
        m.vms = m.session.listVms();
      }
    } catch (ProviderException e) {
      error = e.getMessage();
      return Transition.STAY;
    } catch (HypervisordException e) {
      // hypervisord's reason alone: with the status in front, an 80-column line loses its end.
      error = m.connection.name() + ": " + e.reason();
      return Transition.STAY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Transition.STAY;
    }
    // Keep earlier choices that still exist, so going back and reconnecting loses nothing.
    m.selected.retainAll(m.vms.stream().map(VmSummary::path).toList());
    return Transition.NEXT;
  }
}
