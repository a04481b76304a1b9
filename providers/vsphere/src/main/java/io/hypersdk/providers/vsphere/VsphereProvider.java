package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.ovf.OvfPackage;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.ObjectContent;
import io.hypersdk.providers.vsphere.vim25.PropertyCollector;
import io.hypersdk.providers.vsphere.vim25.TlsTrust;
import io.hypersdk.providers.vsphere.vim25.VimConnection;
import io.hypersdk.providers.vsphere.vim25.VimFault;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/** The {@code vsphere} provider: VMs of a vCenter (or ESXi) over vim25 SOAP, disks exported through NFC. */
final class VsphereProvider implements Provider {
  private final VsphereSettings settings;
  private final VimConnection vim;
  private final PropertyCollector pc;

  private VsphereProvider(VsphereSettings settings, VimConnection vim) {
    this.settings = settings;
    this.vim = vim;
    this.pc = new PropertyCollector(vim);
  }

  /** Connects and logs in; a rejected login is one line naming the user and the server, never the password. */
  static VsphereProvider connect(VsphereSettings s) throws ProviderException {
    try {
      VimConnection vim = VimConnection.open(s.sdk(), s.trust(), s.timeout());
      try {
        vim.login(s.username(), s.password());
      } catch (VimFault e) {
        vim.close();
        if (e.is("InvalidLogin")) {
          throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "vCenter at " + vim.where()
              + " rejected the login of " + s.username() + ": wrong user name or password");
        }
        throw Faults.toProvider(e, "logging in to " + vim.where());
      }
      return new VsphereProvider(s, vim);
    } catch (VimFault e) {
      throw Faults.toProvider(e, "connecting to vCenter");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "interrupted while connecting to vCenter");
    }
  }

  @Override
  public String name() {
    return "vsphere";
  }

  @Override
  public String server() {
    String full = vim.content().fullName();
    return full.isEmpty() ? vim.where() : full;
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    return call("listing VMs", () -> {
      Inventory inv = inventory();
      Map<String, List<String>> props = Map.of("VirtualMachine", List.of("runtime.powerState",
          "summary.config.numCpu", "summary.config.memorySizeMB", "summary.config.numVirtualDisks"));
      Map<MoRef, ObjectContent> byRef = new HashMap<>();
      for (ObjectContent c : pc.retrieveBelow(vim.content().rootFolder(), props)) {
        byRef.put(c.obj(), c);
      }
      List<VmSummary> out = new ArrayList<>();
      for (Inventory.VmPath v : inv.vms()) {
        ObjectContent c = byRef.getOrDefault(v.ref(), new ObjectContent(v.ref(), Map.of()));
        out.add(new VmSummary(v.path(), v.name(), c.text("runtime.powerState").orElse(null),
            c.text("summary.config.numCpu").map(Integer::valueOf).orElse(null),
            c.text("summary.config.memorySizeMB").map(Long::valueOf).orElse(null),
            c.text("summary.config.numVirtualDisks").map(Integer::parseInt).orElse(0)));
      }
      return out;
    });
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    return call("reading VM " + vm, () -> describe(inventory().find(vm)).info());
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    Inventory.VmPath where;
    Described d;
    try {
      where = inventory().find(request.vm());
      d = describe(where);
    } catch (VimFault e) {
      throw Faults.toProvider(e, "reading VM " + request.vm());
    }
    List<String> warnings = new ArrayList<>();
    if (!"poweredOff".equals(d.info().powerState())) {
      if (!settings.powerOff()) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "VM " + where.path() + " is "
            + d.info().powerState() + "; vSphere exports only powered-off VMs: shut it down, or pass --power-off "
            + "to shut the guest down (then power off after --shutdown-timeout)");
      }
      try {
        new PowerOff(vim, settings.shutdownTimeout()).run(where.ref(), where.path(), d.info().powerState())
            .ifPresent(warnings::add);
        d = describe(where);
      } catch (VimFault e) {
        throw Faults.toProvider(e, "powering off " + where.path());
      }
    }
    Path out = request.outputDir().toAbsolutePath().normalize();
    String stem = stem(d.info().name());
    startClean(out, stem);
    NfcExport.Downloaded got = new NfcExport(vim, settings.parallel()).run(where.ref(), d.info(), d.disks(), out,
        stem, request.sink(), progress);
    List<ExportedDisk> disks = got.disks();
    Optional<String> fromServer = ServerDescriptor.create(vim, where.ref(), d.info().name(), disks, got.deviceKeys(),
        warnings);
    try {
      OvfPackage.Written w = fromServer.isPresent()
          ? OvfPackage.write(out, stem, fromServer.get(), disks, request.format())
          : OvfPackage.write(out, stem, d.info(), disks, request.format());
      return new ExportedVm(d.info(), disks, w.descriptor().toString(),
          w.archive() == null ? null : w.archive().toString(), "nfc", warnings);
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot write the OVF descriptor in " + out
          + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    vim.close();
  }

  /** A VM's facts and its disks with their placement. */
  private record Described(VmInfo info, List<VmHardware.Disk> disks) {}

  private Described describe(Inventory.VmPath where) throws VimFault, InterruptedException {
    ObjectContent vm = pc.retrieveOne(where.ref(), VmHardware.PROPERTIES);
    Map<String, String> networks = new HashMap<>();
    List<MoRef> refs = vm.val("network").map(v -> Xml.children(v).stream().map(Xml::moRef).toList())
        .orElse(List.of());
    List<MoRef> portgroups = refs.stream().filter(r -> r.type().equals("DistributedVirtualPortgroup")).toList();
    List<MoRef> plain = refs.stream().filter(r -> !r.type().equals("DistributedVirtualPortgroup")).toList();
    for (ObjectContent c : pc.retrieve(portgroups, List.of("name", "key"))) {
      c.text("name").ifPresent(n -> {
        networks.put(c.obj().toString(), n);
        c.text("key").ifPresent(k -> networks.put("dvpg:" + k, n));
      });
    }
    for (MoRef r : plain) {
      pc.retrieveOne(r, List.of("name")).text("name").ifPresent(n -> networks.put(r.toString(), n));
    }
    return new Described(VmHardware.describe(vm, where, networks), VmHardware.disks(vm));
  }

  private Inventory inventory() throws VimFault, InterruptedException {
    Map<String, List<String>> props = new LinkedHashMap<>();
    props.put("Folder", List.of("name", "parent"));
    props.put("Datacenter", List.of("name", "parent"));
    props.put("VirtualApp", List.of("name", "parentFolder", "parentVApp"));
    props.put("VirtualMachine", List.of("name", "parent", "parentVApp"));
    List<Inventory.Node> nodes = new ArrayList<>();
    for (ObjectContent c : pc.retrieveBelow(vim.content().rootFolder(), props)) {
      // A VM in a vApp has no folder parent, and a vApp's "parent" is a resource pool, which is not part of
      // inventory paths: a vApp hangs from its folder (or its parent vApp), as in vCenter's VM view.
      MoRef parent = c.ref("parentFolder").or(() -> c.ref("parent")).or(() -> c.ref("parentVApp")).orElse(null);
      nodes.add(new Inventory.Node(c.obj(), c.text("name").orElse(c.obj().value()), parent));
    }
    nodes.add(new Inventory.Node(vim.content().rootFolder(), "", null));
    return new Inventory(nodes);
  }

  /** A file-name stem for the VM: its name with anything but letters, digits, '.', '_' and '-' replaced. */
  static String stem(String vmName) {
    String s = vmName.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "vm" + s : s;
  }

  /** A re-export into the same folder starts clean: files an earlier export of this VM left are removed. */
  private static void startClean(Path out, String stem) throws ProviderException {
    try {
      Files.createDirectories(out);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(out, stem + "{-disk*.vmdk,.ovf,.mf,.ova}")) {
        for (Path p : ds) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot prepare output folder " + out + ": "
          + e.getMessage());
    }
  }

  /** A vim25 call sequence. */
  private interface VimCall<T> {
    T run() throws VimFault, InterruptedException, ProviderException;
  }

  private static <T> T call(String what, VimCall<T> c) throws ProviderException {
    try {
      return c.run();
    } catch (VimFault e) {
      throw Faults.toProvider(e, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "interrupted while " + what);
    }
  }

  /** Used by tests and messages: the trust mode, never the password. */
  TlsTrust.Mode trustMode() {
    return settings.trust().mode();
  }
}
