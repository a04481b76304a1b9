package io.hypersdk.convert.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.QueueFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commit journal: a publish cut short by a crash is finished by {@link PublishStep#resume}. */
class PublishStepTest {
  @TempDir Path dir;
  Path staging;
  Path out;
  List<PublishStep.Move> moves;
  List<String> names;
  ConversionResult result;
  Path staleError;

  @BeforeEach
  void stage() throws IOException {
    out = dir.resolve("out");
    staging = out.resolve(".work/job-1");
    Files.createDirectories(staging);
    names = List.of("vm-data.qcow2", "vm.xml", "vm.result.json", "vm.qcow2");
    moves = new ArrayList<>();
    for (String n : names) {
      Files.writeString(staging.resolve(n), "content of " + n);
      moves.add(new PublishStep.Move(staging.resolve(n).toString(), out.resolve(n).toString()));
    }
    staleError = Files.writeString(Files.createDirectories(out).resolve("vm.error"), "old failure");
    result = new ConversionResult(ConversionResult.COMPLETED, "job-1", "vm", "vm.json", List.of(),
        out.resolve("vm.xml").toString(), List.of(), List.of(), null, null);
  }

  private void assertAllPublished() throws IOException {
    for (String n : names) {
      assertThat(out.resolve(n)).hasContent("content of " + n);
      assertThat(staging.resolve(n)).doesNotExist();
    }
    assertThat(staleError).doesNotExist();
  }

  @Test
  void runPublishesEverythingAndKeepsTheJournalUntilTheCallerIsDone() throws Exception {
    new PublishStep().run(staging, moves, List.of(staleError), result);

    assertAllPublished();
    assertThat(staging.resolve(PublishStep.JOURNAL)).exists();
    PublishStep.Journal journal = QueueFiles.readJson(staging.resolve(PublishStep.JOURNAL), PublishStep.Journal.class)
        .orElseThrow();
    assertThat(journal.moves()).isEqualTo(moves);
    assertThat(journal.result()).isEqualTo(result);
  }

  /** A crash after {@code done} of the four renames: the journal was written, the rest never happened. */
  @ParameterizedTest(name = "crash after {0} rename(s)")
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void resumeFinishesTheRenamesACrashLeftUndone(int done) throws Exception {
    QueueFiles.writeJson(staging.resolve(PublishStep.JOURNAL),
        new PublishStep.Journal(moves, List.of(staleError.toString()), result));
    for (int i = 0; i < done; i++) {
      Files.move(Path.of(moves.get(i).from()), Path.of(moves.get(i).to()));
    }
    assertThat(out.resolve("vm.qcow2").toFile().exists()).isEqualTo(done == 4);

    Optional<ConversionResult> resumed = new PublishStep().resume(staging);

    assertThat(resumed).contains(result);
    assertAllPublished();
  }

  @Test
  void aPublishInterruptedHalfWayIsFinishedByResume() throws Exception {
    // The third rename cannot happen: a file stands where its target folder should be.
    Path blocker = Files.writeString(out.resolve("blocked"), "");
    List<PublishStep.Move> blocked = new ArrayList<>(moves);
    blocked.set(2, new PublishStep.Move(moves.get(2).from(), out.resolve("blocked/vm.result.json").toString()));

    assertThatThrownBy(() -> new PublishStep().run(staging, blocked, List.of(staleError), result))
        .isInstanceOf(IOException.class);
    assertThat(out.resolve("vm-data.qcow2")).exists();
    assertThat(out.resolve("vm.xml")).exists();
    assertThat(out.resolve("vm.qcow2")).as("the primary disk is published last").doesNotExist();
    assertThat(staleError).exists();

    Files.delete(blocker);
    Optional<ConversionResult> resumed = new PublishStep().resume(staging);

    assertThat(resumed).contains(result);
    assertThat(out.resolve("blocked/vm.result.json")).hasContent("content of vm.result.json");
    assertThat(out.resolve("vm.qcow2")).hasContent("content of vm.qcow2");
    assertThat(staging.resolve("vm.qcow2")).doesNotExist();
    assertThat(staleError).doesNotExist();
  }

  @Test
  void resumingTwiceChangesNothingMore() throws Exception {
    new PublishStep().run(staging, moves, List.of(staleError), result);
    Files.writeString(out.resolve("vm.error"), "a newer failure");

    assertThat(new PublishStep().resume(staging)).contains(result);

    assertThat(out.resolve("vm.qcow2")).hasContent("content of vm.qcow2");
    assertThat(out.resolve("vm.error")).as("removals are replayed too").doesNotExist();
  }

  @Test
  void withoutAJournalThereIsNothingToResume() throws Exception {
    assertThat(new PublishStep().resume(staging)).isEmpty();
    for (String n : names) {
      assertThat(staging.resolve(n)).exists();
      assertThat(out.resolve(n)).doesNotExist();
    }
    assertThat(new PublishStep().resume(dir.resolve("no-such-folder"))).isEmpty();
  }

  @Test
  void resumeOrResetFinishesACommitAndClearsTheStagingFolder() throws Exception {
    QueueFiles.writeJson(staging.resolve(PublishStep.JOURNAL),
        new PublishStep.Journal(moves, List.of(), result));
    Files.move(Path.of(moves.get(0).from()), Path.of(moves.get(0).to()));

    assertThat(ConversionRunner.resumeOrReset(staging)).contains(result);

    assertThat(out.resolve("vm.qcow2")).hasContent("content of vm.qcow2");
    assertThat(staging).doesNotExist();
  }

  @Test
  void resumeOrResetThrowsAwayAJobThatNeverReachedItsCommit() throws Exception {
    assertThat(ConversionRunner.resumeOrReset(staging)).isEmpty();

    assertThat(staging).doesNotExist();
    for (String n : names) {
      assertThat(out.resolve(n)).doesNotExist();
    }
  }
}
