package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.apps.hyperctl.client.ConnectionSettings;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.migration.MigrationOptions;
import io.hypersdk.migration.MigrationRequestMapper;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the wizard's steps have gathered so far. Every step reads and writes it in place, so going back with
 * Esc shows what was entered; only the UI thread touches it.
 */
final class WizardModel {
  static final String LOCAL = "local";
  /** How instance discovery names the main instance, hyper2kvm.service. */
  static final String MAIN_INSTANCE = "default";
  /** The boot check choice that sends none: the converter's own setting applies. */
  static final String CONVERTER_DEFAULT = "converter default";
  static final List<String> BOOT_CHECKS = List.of(CONVERTER_DEFAULT, "off", "on", "warn");

  // Connect
  /** The providers of this build; the Connect step's choice and fields come from their declared settings. */
  final Providers providers = Providers.discover();
  String provider = LOCAL;
  /**
   * Per provider, the Connect step's values by setting name; blank means not given (the provider's default).
   * A secret (a typed password) stays in this process's memory: it is never rendered, logged or stored.
   */
  final Map<String, Map<String, String>> settings = new HashMap<>();
  /** hypervisord's named connections, when a hypervisord was given. */
  List<HypervisordConnection> connections = List.of();
  /**
   * The named connection picked on the Connect step instead of typed settings, or null. hypervisord then lists
   * the VMs and runs the jobs, which name it; its secrets never reach this process.
   */
  HypervisordConnection connection;
  /** The provider connected by the Connect step; the wizard closes it when it ends. */
  Provider session;

  // VMs
  List<VmSummary> vms = List.of();
  final Set<String> selected = new LinkedHashSet<>();
  String filter = "";

  // Export
  String outputDir = "";
  String format = "ovf";
  boolean libvirt;
  String libvirtUri = PipelineOptions.DEFAULT_LIBVIRT_URI;
  /** Whether the converter's fix stage changes each guest so it boots on KVM. */
  boolean fix = true;
  /** One of {@link #BOOT_CHECKS}; {@link #CONVERTER_DEFAULT} leaves it to the converter's boot_check setting. */
  String bootCheck = CONVERTER_DEFAULT;

  // Pipeline and daemon phase
  final Path configDir;
  /** The command that runs the bundled converter in direct mode (see HyperConvert.inThisJvm). */
  final List<String> bundledConverter;
  /** The hypervisord given with --hypervisord, or null: then the run is always in this process. */
  ConnectionSettings hypervisord;
  boolean viaHypervisord;
  boolean daemon;
  List<InstanceInfo> instances = List.of();
  String instance = "";
  String watchDir = "";
  String daemonOutputDir = "";
  String pollSeconds = "5";
  String timeoutMinutes = "60";

  // Run
  List<VmRun> runs = List.of();

  WizardModel(Path configDir, List<String> bundledConverter) {
    this.configDir = configDir;
    this.bundledConverter = List.copyOf(bundledConverter);
  }

  /** Ends the provider session, if any; a failure to log out is not worth stopping for. */
  void closeSession() {
    if (session != null) {
      try {
        session.close();
      } catch (ProviderException ignored) {
        // The session ends with the process anyway.
      }
      session = null;
    }
  }

  /** The chosen provider's values by setting name. */
  Map<String, String> settings() {
    return settings.computeIfAbsent(provider, p -> new LinkedHashMap<>());
  }

  /** The chosen provider's declaration. */
  ProviderFactory factory() throws ProviderException {
    return providers.get(provider);
  }

  /** The chosen provider's declared settings, none when this build lacks it (the command line checks that). */
  List<SettingSpec> specs() {
    try {
      return factory().settings();
    } catch (ProviderException e) {
      return List.of();
    }
  }

  /** The selected VMs in listing order. */
  List<VmSummary> selectedVms() {
    List<VmSummary> out = new ArrayList<>();
    for (VmSummary vm : vms) {
      if (selected.contains(vm.path())) {
        out.add(vm);
      }
    }
    return out;
  }

  ExportFormat exportFormat() {
    return ExportFormat.valueOf(format.toUpperCase(Locale.ROOT));
  }

  /**
   * The pipeline options the run will use, built the way hyperexport builds them; the live daemon status is
   * computed from the same options so it shows what the run will do.
   *
   * @throws IllegalArgumentException with a line to show when a number is not a positive number
   */
  PipelineOptions pipelineOptions() {
    return new MigrationRequestMapper(configDir, bundledConverter).pipelineOptions(migrationOptions());
  }

  /** The manifest's pipeline section the run will ask for: the fix and the boot check as chosen. */
  Pipeline stages() {
    return MigrationRequestMapper.stages(migrationOptions());
  }

  /** The boot check to send, or null for the converter's default. */
  String bootCheckOrNull() {
    return bootCheck.equals(CONVERTER_DEFAULT) ? null : bootCheck;
  }

  private MigrationOptions migrationOptions() {
    return MigrationOptions.builder()
        .pipeline(true)
        .daemon(daemon)
        .instance(instance.equals(MAIN_INSTANCE) ? null : instance)
        .watchDir(pathOrNull(watchDir))
        .daemonOutputDir(pathOrNull(daemonOutputDir))
        .pollSeconds(positive(pollSeconds, "poll interval"))
        .timeoutMinutes(positive(timeoutMinutes, "timeout"))
        .libvirt(libvirt)
        .libvirtUri(libvirtUri)
        .fix(fix)
        .bootCheck(bootCheckOrNull())
        .build();
  }

  private static double positive(String text, String what) {
    double v;
    try {
      v = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the " + what + " must be a number, not '" + text + "'");
    }
    if (!(v > 0)) {
      throw new IllegalArgumentException("the " + what + " must be positive");
    }
    return v;
  }

  private static Path pathOrNull(String s) {
    return s.isBlank() ? null : Path.of(s.strip());
  }
}
