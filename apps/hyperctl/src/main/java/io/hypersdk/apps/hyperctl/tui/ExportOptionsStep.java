package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;

/**
 * Step 3: where the exports go, in what form, whether the converted VMs are defined in libvirt, whether the
 * converter fixes each guest for KVM, and whether it boots each one to check it.
 */
final class ExportOptionsStep implements Step {
  private final WizardModel m;
  private final Form form;
  private String error;

  ExportOptionsStep(WizardModel m) {
    this.m = m;
    this.form = new Form(() -> List.of(
        new TextField("Output folder", () -> m.outputDir, v -> m.outputDir = v, false),
        new ChoiceField("Format", () -> List.of("ovf", "ova"), () -> m.format, v -> m.format = v),
        new ChoiceField("Define libvirt domain", () -> List.of("off", "on"), () -> m.libvirt ? "on" : "off",
            v -> m.libvirt = v.equals("on")),
        new TextField("libvirt URI", () -> m.libvirtUri, v -> m.libvirtUri = v, false),
        new ChoiceField("Fix the guest", () -> List.of("on", "off"), () -> m.fix ? "on" : "off",
            v -> m.fix = v.equals("on")),
        new ChoiceField("Boot check", () -> WizardModel.BOOT_CHECKS, () -> m.bootCheck, v -> m.bootCheck = v)));
  }

  @Override
  public String title() {
    return "Export options";
  }

  @Override
  public String keyHelp() {
    return Form.KEYS + "  Enter next  Esc back  Ctrl+C quit";
  }

  @Override
  public void render(Canvas c) {
    int row = form.render(c, Canvas.TOP) + 1;
    c.text(2, row, "Each VM is exported into OUTPUT/VM-NAME with its artifact-manifest.json.");
    c.text(2, row + 1, "ovf writes a descriptor beside the disks; ova also packs one archive.");
    c.text(2, row + 2, "With libvirt on, each converted VM is defined as a domain (virsh define) at that URI.");
    c.text(2, row + 3, "The fix makes each guest boot on KVM: virtio drivers, stable disk names, no VMware");
    c.text(2, row + 4, "tools. The boot check boots each converted VM once: on fails a VM that does not");
    c.text(2, row + 5, "boot, warn only warns.");
    c.error(error);
  }

  @Override
  public Transition onKey(KeyStroke key) {
    error = null;
    if (key.getKeyType() == KeyType.Escape) {
      return Transition.BACK;
    }
    if (key.getKeyType() == KeyType.Enter) {
      if (m.outputDir.isBlank()) {
        error = "give the output folder";
        return Transition.STAY;
      }
      return Transition.NEXT;
    }
    form.onKey(key);
    return Transition.STAY;
  }
}
