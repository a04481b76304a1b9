package io.hypersdk.providers;

import java.nio.file.Path;

/** What to export and where. {@code powerOff} allows shutting the VM down first where the provider must. */
public record ExportRequest(String vm, Path outputDir, ExportFormat format, boolean powerOff, int parallel) {}
