/**
 * A parallel ranged downloader every provider shares: a provider implements {@link
 * io.hypersdk.providers.download.RangeReader} and {@link io.hypersdk.providers.download.RangedDownload} does the
 * rest (retries, checksums, in-order SHA-256, sparse output, progress, resume through a journal, atomic rename).
 */
package io.hypersdk.providers.download;
