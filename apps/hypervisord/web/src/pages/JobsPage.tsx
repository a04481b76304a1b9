import { useState } from 'react';
import { Job, api } from '../api';
import { useEventStream, usePolling, useThrottled } from '../hooks';
import { LiveBadge, ProgressBar, StatusBadge, formatTime } from './common';

/**
 * All jobs, newest first, with live status and progress: refreshed on every event of the API's event stream
 * (GET /events), and polled every 5 s besides (every 1.5 s while the stream is down).
 */
export function JobsPage() {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const r = await api<{ jobs: Job[] }>('/jobs?limit=200');
      setJobs(r.jobs);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const refresh = useThrottled(load, 250);
  const live = useEventStream('/events', refresh);
  usePolling(load, live ? 5000 : 1500);

  return (
    <section>
      <div className="page-head">
        <h2>Jobs</h2>
        <LiveBadge live={live} />
        <a className="button" href="#/submit">
          New job
        </a>
      </div>
      {error && <p className="error">{error}</p>}
      {jobs === null && !error && <p>Loading…</p>}
      {jobs !== null && jobs.length === 0 && <p className="muted">No jobs yet.</p>}
      {jobs !== null && jobs.length > 0 && (
        <div className="job-list">
          {jobs.map((j) => (
            <a className="card job-row" key={j.id} href={`#/jobs/${encodeURIComponent(j.id)}`} data-job-id={j.id}>
              <div className="job-main">
                <strong>{j.definition?.name || j.result?.vm_name || j.id}</strong>
                <span className="muted small">{j.definition?.vm_path}</span>
              </div>
              <StatusBadge status={j.status} />
              <ProgressBar progress={j.progress} status={j.status} />
              <span className="muted small">{formatTime(j.created_at)}</span>
            </a>
          ))}
        </div>
      )}
    </section>
  );
}
