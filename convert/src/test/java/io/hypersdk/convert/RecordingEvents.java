package io.hypersdk.convert;

import io.hypersdk.queue.StageReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps what a conversion reported, for assertions. */
final class RecordingEvents implements ConversionEvents {
  final List<StageReport> stages = new ArrayList<>();
  final List<String> commands = new ArrayList<>();
  /** The highest progress fraction seen per disk id. */
  final Map<String, Double> progress = new LinkedHashMap<>();

  @Override
  public synchronized void stage(StageReport report) {
    stages.add(report);
  }

  @Override
  public synchronized void diskProgress(String diskId, int index, int count, double fraction) {
    progress.merge(diskId, fraction, Math::max);
  }

  @Override
  public synchronized void command(String commandLine) {
    commands.add(commandLine);
  }
}
