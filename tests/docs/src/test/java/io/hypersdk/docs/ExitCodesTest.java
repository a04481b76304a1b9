package io.hypersdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.apps.hyperctl.HyperCtl;
import io.hypersdk.apps.hyperexport.HyperExport;
import io.hypersdk.apps.hypervisord.HyperVisord;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The exit-code table is one: {@link ExitCode} and CONFIGURATION.md's "Exit codes" table agree row by row, and
 * every command of the four tools lists, in its usage help (and so its man page), only codes of that table, with
 * the table's meanings unless the command says what a code means for it.
 */
class ExitCodesTest {
  private static final Pattern ROW = Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*`([A-Z_]+)`\\s*\\|\\s*(.*?)\\s*\\|$");

  @Test
  void theDocumentedTableIsTheEnum() {
    List<String> section = Docs.section(Docs.read(Docs.doc("CONFIGURATION.md")), "Exit codes").orElseThrow(
        () -> new AssertionError("docs/CONFIGURATION.md has no '## Exit codes' section"));
    List<String> documented = new ArrayList<>();
    for (String line : section) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        documented.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
      }
    }
    List<String> code = Arrays.stream(ExitCode.values()).map(c -> c.code() + " " + c.name() + " " + c.meaning())
        .toList();
    assertThat(documented).as("rows of CONFIGURATION.md's exit-code table").containsExactlyElementsOf(code);
  }

  @Test
  void theCodesAreDistinct() {
    Map<Integer, List<ExitCode>> byCode = Arrays.stream(ExitCode.values())
        .collect(Collectors.groupingBy(ExitCode::code));
    assertThat(byCode.values()).allSatisfy(codes -> assertThat(codes).hasSize(1));
  }

  @Test
  void everyCommandListsOnlyTableCodesWithTheirMeanings() {
    Map<String, String> table = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      table.put(Integer.toString(c.code()), c.meaning());
    }
    List<CommandLine> commands = new ArrayList<>();
    for (CommandLine tool : List.of(HyperConvert.commandLine(), HyperExport.commandLine(),
        HyperVisord.commandLine(), HyperCtl.commandLine())) {
      collect(tool, commands);
    }
    assertThat(commands).extracting(cl -> cl.getCommandSpec().qualifiedName()).contains("hyperconvert",
        "hyperconvert daemon", "hyperexport", "hypervisord", "hyperctl daemon status", "hyperctl daemon queue",
        "hyperctl jobs watch", "hyperctl jobs submit", "hyperctl interactive");
    for (CommandLine cl : commands) {
      String name = cl.getCommandSpec().qualifiedName();
      Map<String, String> listed = cl.getCommandSpec().usageMessage().exitCodeList();
      assertThat(listed).as("%s: the exit codes in its usage help (@ExitCodes)", name).isNotEmpty()
          .containsKeys("0", "2");
      assertThat(listed.keySet()).as("%s: every listed code is the table's", name).isSubsetOf(table.keySet());
      ExitCodes declared = cl.getCommandSpec().userObject().getClass().getAnnotation(ExitCodes.class);
      assertThat(listed.keySet()).as("%s: a detail only words a code @ExitCodes lists", name)
          .containsExactlyElementsOf(Arrays.stream(declared.value()).map(c -> Integer.toString(c.code())).toList());
      List<String> detailed = Arrays.stream(declared.details()).map(d -> d.substring(0, d.indexOf(':'))).toList();
      assertThat(listed).as("%s: codes without a detail of the command's have the table's meaning", name)
          .allSatisfy((code, meaning) -> {
            if (!detailed.contains(code)) {
              assertThat(table).containsEntry(code, meaning);
            }
          });
      assertThat(cl.getUsageMessage()).as("%s --help", name).contains("Exit codes:");
    }
  }

  /** The project's runnable commands; groups (hyperctl jobs) and picocli's own (generate-completion) list none. */
  private static void collect(CommandLine cl, List<CommandLine> into) {
    Object command = cl.getCommandSpec().userObject();
    if (command instanceof Callable<?> && command.getClass().getName().startsWith("io.hypersdk.")
        && !into.contains(cl)) {
      into.add(cl);
    }
    cl.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
