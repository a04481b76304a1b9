import type { Progress } from '../api';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {status}
    </span>
  );
}

export function ProgressBar({ progress, status }: { progress?: Progress; status: string }) {
  const pct = status === 'completed' ? 100 : Math.max(0, Math.min(100, progress?.percent_complete ?? 0));
  return (
    <div className="progress" title={`${pct.toFixed(0)} %`}>
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span className="progress-label">
        {progress?.phase ? `${progress.phase} · ` : ''}
        {pct.toFixed(0)} %
      </span>
    </div>
  );
}

export function formatTime(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Whether the page follows the event stream (live) or only polls. */
export function LiveBadge({ live }: { live: boolean }) {
  return (
    <span className={`live ${live ? 'live-on' : ''}`} data-testid="live" data-live={String(live)}>
      {live ? '● live' : '○ polling'}
    </span>
  );
}
