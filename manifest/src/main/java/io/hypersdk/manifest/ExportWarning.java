package io.hypersdk.manifest;

/** A warning raised by a stage of the export, kept for the converter and the operator. */
public record ExportWarning(String stage, String message, String timestamp) {}
