package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.queue.GuestChange;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounted guest a fix works on: guestfish, what inspection found, and the list of changes made so far.
 * Every file edit goes through {@link #replace}, which keeps the original first when backups are on.
 */
public final class Guest {
  /** Appended to a changed file's name for the copy of its original kept inside the guest. */
  public static final String BACKUP_SUFFIX = ".hypersdk-orig";

  private final Guestfish fish;
  private final GuestOs os;
  private final boolean backup;
  private final List<GuestChange> changes = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  public Guest(Guestfish fish, GuestOs os, boolean backup) {
    this.fish = fish;
    this.os = os;
    this.backup = backup;
  }

  public Guestfish fish() {
    return fish;
  }

  public GuestOs os() {
    return os;
  }

  /** Writes {@code content} to a guest file when it differs, keeping the original when backups are on. */
  public boolean replace(String path, String oldContent, String content, String change) throws ConversionException,
      InterruptedException {
    if (content.equals(oldContent)) {
      return false;
    }
    if (oldContent != null) {
      keepOriginal(path);
    }
    fish.write(path, content);
    record(path, change);
    return true;
  }

  /** Copies a file that is about to change to FILE{@value #BACKUP_SUFFIX}, once, when backups are on. */
  public void keepOriginal(String path) throws ConversionException, InterruptedException {
    if (!backup || fish.isFile(path + BACKUP_SUFFIX)) {
      return;
    }
    fish.require("cp-a " + Guestfish.quote(path) + " " + Guestfish.quote(path + BACKUP_SUFFIX));
    record(path + BACKUP_SUFFIX, "original of " + path + " kept (pipeline.fix.backup)");
  }

  /** Notes a change made by a command rather than a file edit. */
  public void record(String file, String change) {
    changes.add(new GuestChange(file, change));
  }

  /** Something the operator should know; the job still succeeds. */
  public void warn(String warning) {
    warnings.add(warning);
  }

  public List<GuestChange> changes() {
    return List.copyOf(changes);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** A guest file's content, or null when it does not exist. */
  public String readIfExists(String path) throws ConversionException, InterruptedException {
    return fish.isFile(path) ? fish.read(path) : null;
  }
}
