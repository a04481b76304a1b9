package io.hypersdk.convert.fix;

import io.hypersdk.convert.domain.DeviceModels;
import io.hypersdk.queue.GuestChange;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fix stage did to one guest: the OS it found, its kernels, every change, warnings for the operator,
 * the devices the guest now supports, and how long the appliance took to start, each fix and the whole stage.
 * {@code fixMs} is keyed by step in snake case ({@code inspect}, {@code virtio_initramfs}, ...), in the order run.
 */
public record FixOutcome(
    String os,
    List<String> kernels,
    List<GuestChange> changes,
    List<String> warnings,
    DeviceModels devices,
    long applianceMs,
    long totalMs,
    Map<String, Long> fixMs) {

  public FixOutcome {
    kernels = List.copyOf(kernels);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    fixMs = Collections.unmodifiableMap(new LinkedHashMap<>(fixMs));
  }
}
