package io.hypersdk.docs;

import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueLayout;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/PIPELINE_INTEGRATION.md names every file and folder of the queue contract, as {@link QueueLayout} and
 * {@link OutputFiles} make them, and every state a manifest, a job record, a heartbeat and a pipeline can be in.
 */
class QueueContractTest {
  private static final String DOC = "docs/PIPELINE_INTEGRATION.md";

  @Test
  void everyNameAndStateOfTheQueueContractIsDocumented() {
    String doc = Docs.read(Docs.root().resolve(DOC));
    // The layout of a queue at placeholder paths, written as the document writes them.
    QueueLayout layout = new QueueLayout(Path.of("/WATCH_DIR"), Path.of("/OUTPUT_DIR"));
    OutputFiles vm = layout.outputsFor("VM");
    Map<String, Path> names = new LinkedHashMap<>();
    names.put("processing folder", layout.processingDir("OWNER"));
    names.put("processed folder", layout.processedDir());
    names.put("failed folder", layout.failedDir());
    names.put("heartbeat", layout.heartbeatFile("OWNER"));
    names.put("job record", layout.jobRecord("JOB_ID"));
    names.put("boot disk", vm.primaryDisk("qcow2"));
    names.put("further disk", vm.extraDisk("DISK", "qcow2"));
    names.put("domain", vm.domainXml());
    names.put("result", vm.resultJson());
    names.put("error file", vm.errorFile());
    names.put("withdrawn manifest", QueueLayout.withdrawn(layout.watchDir().resolve("NAME")));
    names.put("owner lock", layout.processingDir("OWNER").resolve(QueueLayout.OWNER_LOCK));
    names.put("default workdir", QueueLayout.workDir(layout.outputDir()));
    names.put("publication journal", Path.of("/WORKDIR/JOB_ID").resolve(QueueLayout.COMMIT_JOURNAL));
    List<String> missing = new ArrayList<>();
    names.forEach((what, path) -> {
      String text = path.toString().substring(1);
      if (!doc.contains(text)) {
        missing.add(what + ": " + text);
      }
    });
    List<String> states = new ArrayList<>();
    for (JobState s : JobState.values()) {
      states.add("job record state " + s.value());
    }
    for (String s : List.of(Heartbeat.RUNNING, Heartbeat.STOPPING, Heartbeat.STOPPED)) {
      states.add("heartbeat state " + s);
    }
    for (RecordComponent c : QueueCounts.class.getRecordComponents()) {
      states.add("queue count " + c.getName());
    }
    for (String s : List.of(ExecutionMode.DIRECT, ExecutionMode.DAEMON)) {
      states.add("pipeline mode " + s);
    }
    for (JobOutcome o : JobOutcome.values()) {
      if (!doc.contains("`" + o.wireName() + "`")) {
        missing.add("pipeline job state (as `" + o.wireName() + "`)");
      }
    }
    for (String s : states) {
      String value = s.substring(s.lastIndexOf(' ') + 1);
      if (!doc.contains("`" + value + "`")) {
        missing.add(s + " (as `" + value + "`)");
      }
    }
    Missing.failIfAny(DOC, "queue contract names and states", missing);
  }
}
