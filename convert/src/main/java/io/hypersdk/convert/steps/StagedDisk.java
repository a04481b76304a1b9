package io.hypersdk.convert.steps;

import io.hypersdk.manifest.Disk;
import java.nio.file.Path;

/** A disk converted into the staging folder, with the final name it will be published under. */
public record StagedDisk(Disk disk, Path staged, Path target, String format) {}
