import { useState } from 'react';
import { Job, LogLine, TERMINAL, api } from '../api';
import { useEventStream, usePolling, useThrottled } from '../hooks';
import { LiveBadge, ProgressBar, StatusBadge, formatTime } from './common';

/** One job: status, result (pipeline mode and why, outputs, libvirt domain, error) and its log. */
export function JobDetailPage({ id }: { id: string }) {
  const [job, setJob] = useState<Job | null>(null);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const done = job !== null && TERMINAL.includes(job.status);

  const path = `/jobs/${encodeURIComponent(id)}`;
  const load = async () => {
    try {
      const [j, l] = await Promise.all([api<Job>(path), api<{ lines: LogLine[] }>(`${path}/logs`)]);
      setJob(j);
      setLines(l.lines ?? []);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  // The job's own event stream (it ends after the final status) refreshes the page; polling backs it up.
  const refresh = useThrottled(load, 250);
  const live = useEventStream(`${path}/events`, refresh, !done);
  usePolling(load, live ? 5000 : 1500, !done);

  const r = job?.result;
  return (
    <section>
      <div className="page-head">
        <h2>
          Job <code className="small">{id}</code>
        </h2>
        {!done && <LiveBadge live={live} />}
        <a href="#/jobs">← All jobs</a>
      </div>
      {error && <p className="error">{error}</p>}
      {job && (
        <>
          <div className="card detail-grid">
            <div>
              <span className="label">Status</span>
              <StatusBadge status={job.status} />
            </div>
            <div className="wide">
              <span className="label">Progress</span>
              <ProgressBar progress={job.progress} status={job.status} />
            </div>
            <div>
              <span className="label">Name</span>
              {job.definition?.name || '—'}
            </div>
            <div>
              <span className="label">VM</span>
              <code>{job.definition?.vm_path}</code>
            </div>
            <div>
              <span className="label">Output dir</span>
              <code>{job.definition?.output_dir}</code>
            </div>
            <div>
              <span className="label">Provider</span>
              {job.definition?.provider}
              {job.definition?.connection && (
                <span data-testid="connection"> via connection {job.definition.connection}</span>
              )}
            </div>
            {job.definition?.options?.enable_pipeline && (
              <div>
                <span className="label">Guest</span>
                <span data-testid="guest-options">{guestOptions(job.definition.options)}</span>
              </div>
            )}
            <div>
              <span className="label">Created</span>
              {formatTime(job.created_at)}
            </div>
            <div>
              <span className="label">Finished</span>
              {formatTime(job.completed_at)}
            </div>
          </div>

          <h3>Result</h3>
          <div className="card result" data-testid="result">
            {!r && <p className="muted">No result yet.</p>}
            {r && (
              <dl>
                <dt>Pipeline mode</dt>
                <dd data-testid="pipeline-mode">{r.pipeline_mode ?? '—'}</dd>
                <dt>Why</dt>
                <dd data-testid="pipeline-reason">{r.pipeline_reason ?? '—'}</dd>
                {r.converter && (
                  <>
                    <dt>Converter</dt>
                    <dd>
                      <code>{r.converter}</code>
                    </dd>
                  </>
                )}
                {r.daemon_job_id && (
                  <>
                    <dt>Daemon job</dt>
                    <dd>
                      {r.daemon_job_id} ({r.daemon_job_state})
                    </dd>
                  </>
                )}
                <dt>Outputs</dt>
                <dd>
                  {r.outputs && r.outputs.length > 0 ? (
                    <ul className="outputs" data-testid="outputs">
                      {r.outputs.map((o) => (
                        <li key={o}>
                          <code>{o}</code>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  )}
                </dd>
                <dt>Libvirt domain</dt>
                <dd data-testid="libvirt-domain">{r.libvirt_domain ?? '—'}</dd>
                {r.boot_check && (
                  <>
                    <dt>Boot check</dt>
                    <dd data-testid="boot-check" data-status={r.boot_check.status}>
                      {r.boot_check.status}
                      {r.boot_check.reason ? `: ${r.boot_check.reason}` : ''}
                      {r.boot_check.boot_seconds != null ? ` in ${Math.round(r.boot_check.boot_seconds)} s` : ''}
                      {r.boot_check.accel ? ` (${r.boot_check.accel})` : ''}
                    </dd>
                  </>
                )}
                {r.changes && r.changes.length > 0 && (
                  <>
                    <dt>Guest changes</dt>
                    <dd>
                      <ul className="outputs" data-testid="guest-changes">
                        {r.changes.map((c) => (
                          <li key={`${c.file} ${c.change}`}>
                            <code>{c.file}</code>: {c.change}
                          </li>
                        ))}
                      </ul>
                    </dd>
                  </>
                )}
                {r.warnings && r.warnings.length > 0 && (
                  <>
                    <dt>Warnings</dt>
                    <dd>{r.warnings.join('; ')}</dd>
                  </>
                )}
              </dl>
            )}
            {(job.error || r?.error) && (
              <p className="error" data-testid="job-error">
                {r?.failed_step ? `${r.failed_step}: ` : ''}
                {job.error || r?.error}
              </p>
            )}
          </div>

          <h3>Log</h3>
          <pre className="card log" data-testid="log">
            {lines.length === 0
              ? 'No log lines yet.'
              : lines.map((l) => `${l.at}  ${(l.level ?? '').padEnd(5)}  ${l.message}`).join('\n')}
          </pre>
        </>
      )}
    </section>
  );
}

/** What the conversion does to the guest: the fix (on unless the job said false) and the boot check. */
function guestOptions(o: { fix?: boolean; boot_check?: string; boot_check_timeout?: number }): string {
  const fix = o.fix === false ? 'no fix' : 'fixed for KVM';
  const timeout = o.boot_check_timeout ? ` (${o.boot_check_timeout} s)` : '';
  return `${fix}, boot check ${o.boot_check ?? 'converter default'}${timeout}`;
}
