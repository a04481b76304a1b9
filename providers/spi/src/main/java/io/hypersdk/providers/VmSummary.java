package io.hypersdk.providers;

/** One line of a VM listing. */
public record VmSummary(String path, String name, String powerState, Integer cpu, Long memoryMiB, int disks) {}
