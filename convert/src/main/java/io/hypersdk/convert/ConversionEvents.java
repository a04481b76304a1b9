package io.hypersdk.convert;

import io.hypersdk.queue.StageReport;

/** What a running conversion tells its caller: stage outcomes and per-disk progress. */
public interface ConversionEvents {
  ConversionEvents NONE = new ConversionEvents() {};

  default void stage(StageReport report) {}

  /** {@code fraction} from 0 to 1 for disk {@code index} (0-based) of {@code count}. */
  default void diskProgress(String diskId, int index, int count, double fraction) {}

  /** A command about to run, for verbose output. */
  default void command(String commandLine) {}
}
