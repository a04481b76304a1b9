package io.hypersdk.jobs.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import java.nio.file.Path;
import io.hypersdk.providers.Providers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every field of a job definition is read or refused with a message that names it. */
class JobParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Connections CONNECTIONS = connections();
  private final JobParser parser = new JobParser(CONNECTIONS, new OutputRoots(List.of(Path.of("/exports"))));

  private static Connections connections() {
    try {
      return Connections.define(Providers.discover(), Map.of(), Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + text, e);
    }
  }

  private SubmittedJob parse(String text) throws InvalidJobException {
    return parser.parse(json(text));
  }

  @Test
  void aMinimalJobGetsTheDefaults() throws Exception {
    JobDefinition d = parse("{'vm_path': '/vms/web01.ova', 'output_dir': '/exports/web01', 'provider': 'local'}")
        .definition();

    assertThat(d.id()).as("a generated id").matches("[0-9a-f-]{36}");
    assertThat(d.name()).as("the name defaults to the VM").isEqualTo("/vms/web01.ova");
    assertThat(d.vmPath()).isEqualTo("/vms/web01.ova");
    assertThat(d.outputDir()).isEqualTo("/exports/web01");
    assertThat(d.format()).isEqualTo("ovf");
    assertThat(d.provider()).isEqualTo("local");
    assertThat(d.connection()).isNull();
    assertThat(d.settings()).isEmpty();
    assertThat(d.credentials()).isNull();
    assertThat(d.needsSecret()).isFalse();
    assertThat(d.options()).isEqualTo(JobOptions.NONE);
    assertThat(d.options().fix()).as("the fix runs unless turned off").isTrue();
    assertThat(d.createdAt()).isNotBlank();
  }

  @Test
  void theProviderDefaultsToVsphere() throws Exception {
    assertThat(parse("{'vm_path': '/DC0/vm/web01', 'output_dir': '/exports/a',"
        + " 'vcenter': {'server': 'vc', 'username': 'u'}}").definition().provider())
        .isEqualTo(JobParser.DEFAULT_PROVIDER).isEqualTo("vsphere");
    assertThatThrownBy(() -> parse("{'vm_path': '/DC0/vm/web01', 'output_dir': '/exports/a'}"))
        .as("a job without provider is a vSphere job, which needs its vCenter")
        .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("settings.url"))
        .hasMessage("settings.url: is required by provider vsphere (or set GOVC_URL)");
  }

  @Test
  void aLocalJobWithAVcenterPasswordIsRefused() {
    assertThatThrownBy(() -> parse("{'vm_path': '/vms/a.ova', 'output_dir': '/exports/a', 'provider': 'local',"
        + " 'vcenter': {'password': 'pw-1'}}"))
        .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("vcenter.password"))
        .hasMessage("vcenter.password: unknown setting of provider local (known: root)")
        .hasMessageNotContaining("pw-1");
  }

  @Test
  void everyFieldIsRead() throws Exception {
    SubmittedJob job = parse("""
        {'id': 'job-1.a_b', 'name': 'web', 'vm_path': '/DC0/vm/web01', 'output_path': '/exports/x/../web',
         'format': 'OVA', 'provider': 'vsphere',
         'vcenter': {'server': 'vc.example', 'username': 'admin', 'password': 'pw-1', 'insecure': true},
         'options': {'enable_pipeline': true, 'hyper2kvm_path': '/usr/bin/hyper2kvm', 'hyper2kvm_daemon': true,
           'hyper2kvm_instance': 'blue.1', 'hyper2kvm_watch_dir': '/exports/q', 'hyper2kvm_output_dir': '/exports/o',
           'hyper2kvm_poll_interval': 0.5, 'hyper2kvm_daemon_timeout': 2, 'libvirt_integration': true,
           'libvirt_uri': 'qemu+ssh://kvm1/system', 'libvirt_autostart': true, 'fix': false, 'boot_check': 'warn',
           'boot_check_timeout': 600}}
        """);
    JobDefinition d = job.definition();

    assertThat(d.id()).isEqualTo("job-1.a_b");
    assertThat(d.name()).isEqualTo("web");
    assertThat(d.vmPath()).isEqualTo("/DC0/vm/web01");
    assertThat(d.outputDir()).as("output_path is output_dir's other name, normalised").isEqualTo("/exports/web");
    assertThat(d.format()).as("lower-cased").isEqualTo("ova");
    assertThat(d.provider()).isEqualTo("vsphere");
    assertThat(d.connection()).isNull();
    assertThat(d.settings()).as("the vcenter block, as vSphere settings, without the password")
        .isEqualTo(Map.of("url", "vc.example", "username", "admin", "insecure", "true"));
    assertThat(d.credentials()).isEqualTo(JobDefinition.CREDENTIALS_IN_MEMORY);
    assertThat(job.secrets()).isEqualTo(Map.of("password", "pw-1"));
    assertThat(job.toString()).doesNotContain("pw-1");
    assertThat(d.options()).isEqualTo(new JobOptions(true, "/usr/bin/hyper2kvm", true, "blue.1", "/exports/q",
        "/exports/o", 0.5, 2.0, true, "qemu+ssh://kvm1/system", true, false, "warn", 600));
  }

  @Test
  void topLevelConnectionFieldsAreReadAndTheVcenterObjectWins() throws Exception {
    SubmittedJob flat = parse("{'vm_path': '/DC0/vm/a', 'output_dir': '/exports/a', 'vcenter_url': 'vc1',"
        + " 'username': 'u1', 'password': 'p1', 'insecure': false}");
    assertThat(flat.definition().settings())
        .isEqualTo(Map.of("url", "vc1", "username", "u1", "insecure", "false"));
    assertThat(flat.secrets()).isEqualTo(Map.of("password", "p1"));

    SubmittedJob both = parse("{'vm_path': '/DC0/vm/a', 'output_dir': '/exports/a', 'vcenter_url': 'vc1',"
        + " 'username': 'u1', 'password': 'p1', 'insecure': false,"
        + " 'vcenter': {'server': 'vc2', 'username': 'u2', 'password': 'p2', 'insecure': true}}");
    assertThat(both.definition().settings())
        .isEqualTo(Map.of("url", "vc2", "username", "u2", "insecure", "true"));
    assertThat(both.secrets()).isEqualTo(Map.of("password", "p2"));
  }

  @Test
  void anEmptyPasswordIsNoPassword() throws Exception {
    SubmittedJob job = parse("{'vm_path': '/DC0/vm/a', 'output_dir': '/exports/a', 'vcenter_url': 'vc1',"
        + " 'username': 'u1', 'password': ''}");
    assertThat(job.secrets()).isEmpty();
    assertThat(job.definition().settings()).doesNotContainKey("password");
    assertThat(job.definition().needsSecret()).isFalse();
  }

  @Test
  void nullFieldsMeanNotGiven() throws Exception {
    JobDefinition d = parse("{'vm_path': '/vms/a.ova', 'output_dir': '/exports/a', 'provider': 'local', 'id': null,"
        + " 'format': null, 'options': null, 'vcenter': null}").definition();
    assertThat(d.format()).isEqualTo("ovf");
    assertThat(d.options()).isEqualTo(JobOptions.NONE);
    assertThat(d.options().fix()).as("the fix runs unless turned off").isTrue();
    assertThat(d.settings()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      [1]                                                                  | job                              | must be an object
      {'vm_path': '/v', 'output_dir': '/exports/a', 'colour': 'red'}       | colour                           | unknown field
      {'vm_path': '/v', 'output_dir': '/exports/a', 'id': '-x'}            | id                               | must be 1-128 letters, digits, '.', '_' or '-'
      {'vm_path': '/v', 'output_dir': '/exports/a', 'id': 7}               | id                               | must be a string
      {'output_dir': '/exports/a'}                                         | vm_path                          | is required
      {'vm_path': ' ', 'output_dir': '/exports/a'}                         | vm_path                          | is required
      {'vm_path': '/v'}                                                    | output_dir                       | is required
      {'vm_path': '/v', 'output_dir': 'exports/a'}                         | output_dir                       | must be an absolute path
      {'vm_path': '/v', 'output_path': 'exports/a'}                        | output_path                      | must be an absolute path
      {'vm_path': '/v', 'output_dir': '/etc/a'}                            | output_dir                       | must be under an output root of this daemon (/exports)
      {'vm_path': '/v', 'output_dir': '/exports/../etc'}                   | output_dir                       | must be under an output root of this daemon (/exports)
      {'vm_path': '/v', 'output_dir': '/exports/a', 'format': 'vmx'}       | format                           | must be ovf or ova, not 'vmx'
      {'vm_path': '/v', 'output_dir': '/exports/a', 'provider': 'xen'}     | provider                         | 'xen' is not available in this build (available: aws, azure, gcp, hyperv, hyperv-export, local, vsphere)
      {'vm_path': '/v', 'output_dir': '/exports/a', 'name': 3}             | name                             | must be a string
      {'vm_path': '/v', 'output_dir': '/exports/a', 'vcenter_url': 'vc', 'username': 'u', 'insecure': 'maybe'} | insecure | "must be true or false, not 'maybe'"
      {'vm_path': '/v', 'output_dir': '/exports/a', 'vcenter': 'vc'}       | vcenter                          | must be an object
      {'vm_path': '/v', 'output_dir': '/exports/a', 'vcenter': {'port': 1}} | vcenter.port                    | unknown field
      {'vm_path': '/v', 'output_dir': '/exports/a', 'vcenter': {'server': ['vc']}} | vcenter.server | must be a string, a number or true/false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'vcenter': {'server': 'vc', 'username': 'u', 'insecure': 'sometimes'}} | vcenter.insecure | "must be true or false, not 'sometimes'"
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': true}       | options                          | must be an object
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'pipeline': true}} | options.pipeline         | unknown field
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'enable_pipeline': 'true'}} | options.enable_pipeline | must be true or false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_daemon': 1}} | options.hyper2kvm_daemon | must be true or false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'libvirt_integration': 'y'}} | options.libvirt_integration | must be true or false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'libvirt_autostart': 0}} | options.libvirt_autostart | must be true or false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_path': 'bin/h2k'}} | options.hyper2kvm_path | must be an absolute path
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_instance': '../x'}} | options.hyper2kvm_instance | must be letters, digits, '.', '_' or '-'
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_watch_dir': 'q'}} | options.hyper2kvm_watch_dir | must be an absolute path
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_watch_dir': '/var/q'}} | options.hyper2kvm_watch_dir | must be under an output root of this daemon (/exports)
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_output_dir': 'o'}} | options.hyper2kvm_output_dir | must be an absolute path
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_output_dir': '/var/o'}} | options.hyper2kvm_output_dir | must be under an output root of this daemon (/exports)
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_poll_interval': 0}} | options.hyper2kvm_poll_interval | must be a positive number
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_poll_interval': '1'}} | options.hyper2kvm_poll_interval | must be a positive number
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'hyper2kvm_daemon_timeout': -1}} | options.hyper2kvm_daemon_timeout | must be a positive number
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'libvirt_uri': 'system'}} | options.libvirt_uri | must be a libvirt URI such as qemu:///system
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'fix': 'no'}} | options.fix | must be true or false
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'boot_check': 'maybe'}} | options.boot_check | "must be off, on or warn, not 'maybe'"
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'boot_check': true}} | options.boot_check | must be a string
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'boot_check_timeout': 5}} | options.boot_check_timeout | "must be a whole number of seconds, at least 10"
      {'vm_path': '/v', 'output_dir': '/exports/a', 'options': {'boot_check_timeout': '60'}} | options.boot_check_timeout | "must be a whole number of seconds, at least 10"
      """)
  void badInputNamesItsField(String job, String field, String problem) {
    assertThatThrownBy(() -> parse(job))
        .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessage(field + ": " + problem);
  }

  @Test
  void aProblemInABatchIsNamedByTheJobsPlace() {
    InvalidJobException e =
        new InvalidJobException("options.libvirt_uri", "must be a libvirt URI such as qemu:///system");
    InvalidJobException placed = e.under("jobs[2]");
    assertThat(placed.field()).isEqualTo("jobs[2].options.libvirt_uri");
    assertThat(placed).hasMessage("jobs[2].options.libvirt_uri: must be a libvirt URI such as qemu:///system");
  }

  @Test
  void withoutOutputRootsAnyAbsolutePathIsAllowed() throws Exception {
    JobParser anywhere = new JobParser(CONNECTIONS, new OutputRoots(List.of()));
    JobDefinition d = anywhere.parse(json("{'vm_path': '/v', 'output_dir': '/srv/any', 'provider': 'local'}"))
        .definition();
    assertThat(d.outputDir()).isEqualTo("/srv/any");
  }
}
