package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.cli.ProviderOptions;
import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * hyperexport --help shows the provider flags in one section per provider, made from the schema, with a flag
 * that several providers share (--parallel) in its own section saying each provider's default; a provider whose
 * flag is not given gets no value, so its own default applies.
 */
class ProviderFlagsHelpTest {
  @Test
  void helpGroupsTheProviderFlagsInASectionPerProvider() {
    String help = HyperExport.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    List<String> headings = List.of("AWS options:", "Azure options:", "GCP options:", "Hyper-V options:",
        "vSphere options:", "AWS and GCP options:", "Hyper-V and vSphere options:",
        "Hyper-V export folder and Local options:", "AWS, Azure, GCP, Hyper-V and vSphere options:");
    int previous = help.indexOf("--output");
    assertThat(previous).as(help).isPositive();
    for (String h : headings) {
      assertThat(help).contains("\n" + h + "\n");
      assertThat(help.indexOf(h)).as("%s comes after the command's own options and the sections before it", h)
          .isGreaterThan(previous);
      previous = help.indexOf(h);
    }
    assertThat(section(help, "vSphere options:")).contains("--vcenter-url", "--insecure", "--ca-file", "--thumbprint")
        .doesNotContain("--parallel", "--region", "--source", "--username");
    assertThat(section(help, "AWS options:")).contains("--region", "--profile", "--role-arn", "--endpoint-url")
        .doesNotContain("--parallel", "--vcenter-url");
    assertThat(section(help, "Azure options:")).contains("--subscription", "--resource-group", "--credential",
        "--client-secret-file", "--arm-endpoint").doesNotContain("--parallel", "--region");
    assertThat(section(help, "Hyper-V options:")).contains("--hyperv-host", "--transport", "--host-key-fingerprint",
        "--no-merge").doesNotContain("--parallel", "--username");
    String both = section(help, "Hyper-V and vSphere options:").replaceAll("\\s+", " ");
    assertThat(both).contains("--username", "--password-file", "--power-off", "--shutdown-timeout",
        "hyperv: shut a running VM down", "vsphere: shut a running VM's guest down");
    assertThat(section(help, "Hyper-V export folder and Local options:")).contains("--source");
    String shared = section(help, "AWS, Azure, GCP, Hyper-V and vSphere options:").replaceAll("\\s+", " ");
    assertThat(shared).contains("--parallel", "default: aws 8, azure 8, gcp 8, hyperv 4, vsphere 3",
        "aws: EBS blocks fetched at once", "azure: page ranges fetched at once", "hyperv: disk ranges read at once",
        "vsphere: disks downloaded at once");
    // The exit codes still end the help, after the provider sections.
    assertThat(help.indexOf("Exit codes:")).isGreaterThan(previous);
  }

  @Test
  void eachProviderGetsItsOwnDefaultWhenTheSharedFlagIsNotGiven() throws Exception {
    CommandSpec spec = CommandSpec.create();
    ProviderOptions options = ProviderOptions.addTo(spec, Providers.discover());
    CommandLine cl = new CommandLine(spec);

    ParseResult none = cl.parseArgs("--region", "eu-west-1");
    ProviderSettings aws = options.settings(none, "aws");
    assertThat(aws.get("parallel")).as("no value: the aws provider applies its own default").isEmpty();
    assertThat(aws.get("region")).contains("eu-west-1");
    assertThat(Providers.discover().get("aws").setting("parallel").orElseThrow().defaultValue()).isEqualTo("8");
    assertThat(Providers.discover().get("vsphere").setting("parallel").orElseThrow().defaultValue()).isEqualTo("3");

    ParseResult given = new CommandLine(spec).parseArgs("--vcenter-url", "vc", "--username", "u", "--parallel", "5");
    assertThat(options.settings(given, "vsphere").get("parallel")).contains("5");

    // A flag in another provider's section is still refused, naming it.
    ParseResult foreign = new CommandLine(spec).parseArgs("--region", "eu-west-1", "--parallel", "2");
    assertThatThrownBy(() -> options.settings(foreign, "local")).isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("is not a setting of provider local");
  }

  /** The lines of one help section, from its heading to the next empty line. */
  private static String section(String help, String heading) {
    String rest = help.substring(help.indexOf("\n" + heading + "\n") + heading.length() + 2);
    int end = rest.indexOf("\n\n");
    return end < 0 ? rest : rest.substring(0, end);
  }
}
