package io.hypersdk.providers;

/** What an export leaves in the output folder besides the disks: an OVF descriptor, or an OVA archive too. */
public enum ExportFormat { OVF, OVA }
