package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.download.RangeReader;
import java.util.List;

/** How {@link HostFileCopy} reaches the disk files on the host: SFTP ({@link SftpCopy}) or chunked PowerShell reads. */
interface HostFiles {
  /** A host file's size, and its modification time, which pins the content an interrupted copy resumes. */
  record Stat(long size, String modified) {}

  /** The files' sizes and modification times, in order. */
  List<Stat> stat(List<String> paths) throws ProviderException;

  /** Reads ranges of {@code path}; called from several threads at once. */
  Reader reader(String path);

  /** Bytes per range: what one read returns at most. */
  int rangeSize();

  /** Names the range journal, so a copy resumes only what the same transfer wrote. */
  String journalName();

  /** A thread-safe range reader of one file, holding connections until closed. */
  interface Reader extends RangeReader, AutoCloseable {
    @Override
    void close();
  }
}
