import { useState } from 'react';
import { Instance, Instances, QueueEntry, api } from '../api';
import { usePolling } from '../hooks';

const REFRESH_MS = 2000;

function age(seconds?: number): string {
  if (seconds === undefined) return '—';
  const s = Math.floor(seconds);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return s < 172800 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
}

/**
 * Every hyper2kvm instance with its systemd state, heartbeat, folders and the manifests of its queue,
 * refreshed every two seconds: the web counterpart of {@code hyperctl daemon queue}.
 */
export function DaemonsPage() {
  const [data, setData] = useState<Instances | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState<Date | null>(null);

  usePolling(async () => {
    try {
      setData(await api<Instances>('/hyper2kvm/instances'));
      setError(null);
      setAt(new Date());
    } catch (e) {
      setError((e as Error).message);
    }
  }, REFRESH_MS);

  return (
    <section>
      <div className="page-head">
        <h2>Conversion daemons</h2>
        <span className="muted small" data-testid="refreshed">
          {at ? `refreshed ${at.toLocaleTimeString()} (every ${REFRESH_MS / 1000} s)` : 'loading…'}
        </span>
      </div>
      {error && (
        <div className="error-box" role="alert">
          Cannot read the instances: {error}
        </div>
      )}
      {data && data.instances.length === 0 && (
        <p className="muted">
          No hyper2kvm instance: none in {data.config_dir ?? 'the config dir'}, no systemd unit, no heartbeat.
        </p>
      )}
      <div className="daemon-list">
        {(data?.instances ?? []).map((i) => (
          <DaemonCard key={i.name} instance={i} entries={data?.queue_entries?.[i.name]} />
        ))}
      </div>
    </section>
  );
}

function DaemonCard({ instance: i, entries }: { instance: Instance; entries?: QueueEntry[] }) {
  const hb = i.heartbeat;
  const counts = i.queue
    ? Object.entries(i.queue)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')
    : '—';
  return (
    <article className="card daemon-card" data-instance={i.name} aria-label={`Instance ${i.name}`}>
      <div className="daemon-head">
        <h3>{i.name}</h3>
        <span className={`badge ${i.active ? 'badge-completed' : 'badge-failed'}`} data-testid="daemon-active">
          {i.active ? 'active' : 'not active'}
        </span>
      </div>
      <dl className="facts">
        <dt>Service</dt>
        <dd>
          <code>{i.service ?? '—'}</code>
        </dd>
        <dt>systemd</dt>
        <dd data-testid="systemd-state">
          {i.systemd?.state ?? '—'}
          {i.systemd?.note ? <span className="muted small"> ({i.systemd.note})</span> : null}
        </dd>
        <dt>Why</dt>
        <dd>{i.active_reason ?? i.error ?? '—'}</dd>
        <dt>Heartbeat</dt>
        <dd data-testid="heartbeat">
          {hb ? `${hb.owner ?? '?'} ${hb.state ?? ''}, ${age(hb.age_seconds)} ago${hb.fresh ? '' : ' (stale)'}` : 'none'}
        </dd>
        <dt>Watch dir</dt>
        <dd>
          <code>{i.watch_dir ?? '—'}</code>
        </dd>
        <dt>Output dir</dt>
        <dd>
          <code>{i.output_dir ?? '—'}</code>
        </dd>
        <dt>Config</dt>
        <dd>
          <code>{i.config_file ?? '—'}</code>
        </dd>
        <dt>Totals</dt>
        <dd data-testid="totals">{counts}</dd>
      </dl>
      {entries === undefined ? (
        <p className="muted small">The queue folders are unknown{i.error ? `: ${i.error}` : ''}.</p>
      ) : entries.length === 0 ? (
        <p className="muted small" data-testid="queue-empty">
          No pending, processing or failed manifests.
        </p>
      ) : (
        <ul className="queue" aria-label={`Queue of ${i.name}`}>
          {entries.map((e) => (
            <li key={`${e.state}/${e.owner ?? ''}/${e.manifest}`} className="queue-row" data-state={e.state}>
              <span className={`badge badge-q-${e.state}`}>{e.state}</span>
              <span className="queue-main">
                <code>{e.manifest}</code>
                <span className="muted small">
                  VM {e.vm_name ?? '?'} · job {e.job_id ?? '?'} · {age(e.age_seconds)}
                  {e.owner ? ` · ${e.owner}` : ''}
                </span>
                {e.error && (
                  <span className="queue-error" data-testid="queue-error">
                    {e.error}
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
