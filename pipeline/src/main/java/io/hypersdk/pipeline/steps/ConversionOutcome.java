package io.hypersdk.pipeline.steps;

import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.queue.ConversionResult;
import java.util.List;

/**
 * How a conversion ended, in either mode: output disks, the domain XML if the converter wrote one, for
 * daemon jobs the state the job was left in (completed, failed, withdrawn, claimed), and the converter's own
 * result (guest changes, boot check, warnings) when it wrote one in the queue contract's format, else null.
 */
public record ConversionOutcome(boolean success, List<String> outputs, String domainXml, String error,
    JobOutcome jobState, ConversionResult result) {
  public ConversionOutcome {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  public static ConversionOutcome failed(String error, JobOutcome jobState) {
    return new ConversionOutcome(false, List.of(), null, error, jobState, null);
  }

  /** This outcome with the converter's result found afterwards (direct mode reads it from its file). */
  public ConversionOutcome withResult(ConversionResult r) {
    return new ConversionOutcome(success, outputs, domainXml, error, jobState, r);
  }
}
