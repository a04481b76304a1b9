package io.hypersdk.pipeline.steps;

import io.hypersdk.pipeline.JobOutcome;
import java.util.List;

/**
 * How a conversion ended, in either mode: output disks, the domain XML if the converter wrote one, and for
 * daemon jobs the state the job was left in (completed, failed, withdrawn, claimed).
 */
public record ConversionOutcome(boolean success, List<String> outputs, String domainXml, String error,
    JobOutcome jobState) {
  public ConversionOutcome {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  public static ConversionOutcome failed(String error, JobOutcome jobState) {
    return new ConversionOutcome(false, List.of(), null, error, jobState);
  }
}
