package io.hypersdk.manifest;

/** Where and how the converter writes its result. */
public record Output(String directory, String format, String filename) {}
