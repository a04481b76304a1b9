package io.hypersdk.providers;

import java.nio.file.Path;

/** What to export and where. */
public record ExportRequest(String vm, Path outputDir, ExportFormat format) {}
