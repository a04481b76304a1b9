package io.hypersdk.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.OutputNames;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The job ids hyperexport writes into manifests: valid, and distinct even for one VM within one second. */
class MigrationRunnerJobIdTest {

  @Test
  void idsForOneVmMadeInABurstAreAllDistinctAndValid() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = MigrationRunner.newJobId("web01");
      assertThat(OutputNames.isValidJobId(id)).as(id).isTrue();
      ids.add(id);
    }
    assertThat(ids).hasSize(20_000);
  }

  @Test
  void awkwardVmNamesStillGiveValidIds() {
    for (String vm : new String[] {null, "", "../x", "web 01/prod", "...", "x".repeat(300)}) {
      assertThat(OutputNames.isValidJobId(MigrationRunner.newJobId(vm))).as(String.valueOf(vm)).isTrue();
    }
  }
}
