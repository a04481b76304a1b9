import { useEffect, useRef, useState } from 'react';

/** The page's hash route: #/jobs, #/jobs/ID, #/submit, #/daemons. */
export function useHashRoute(): string {
  const [route, setRoute] = useState(() => window.location.hash.replace(/^#/, '') || '/jobs');
  useEffect(() => {
    const onChange = () => setRoute(window.location.hash.replace(/^#/, '') || '/jobs');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Runs {@code tick} now and every {@code ms} while mounted (and while {@code enabled}). */
export function usePolling(tick: () => Promise<void> | void, ms: number, enabled = true): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: number | undefined;
    const run = async () => {
      try {
        await saved.current();
      } catch {
        // the tick shows its own errors
      }
      if (!stopped) timer = window.setTimeout(run, ms);
    };
    run();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [ms, enabled]);
}

/**
 * Follows a Server-Sent Events stream of the API (fetch, so the bearer token can be sent) and calls
 * {@code onEvent} with each event's type; reconnects after a pause when the stream ends or fails. Returns
 * whether the stream is connected, so pages can show whether they are live or only polling.
 */
export function useEventStream(path: string, onEvent: (type: string) => void, enabled = true): boolean {
  const [connected, setConnected] = useState(false);
  const saved = useRef(onEvent);
  saved.current = onEvent;
  useEffect(() => {
    if (!enabled) {
      setConnected(false);
      return;
    }
    const abort = new AbortController();
    let retry: number | undefined;
    const connect = async () => {
      try {
        const token = localStorage.getItem('hypervisord.token');
        const res = await fetch(path, {
          headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`${res.status}`);
        setConnected(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = block.split('\n').find((l) => l.startsWith('event:'));
            if (type) saved.current(type.slice(6).trim());
          }
        }
      } catch {
        // reconnect below
      }
      setConnected(false);
      if (!abort.signal.aborted) retry = window.setTimeout(connect, 3000);
    };
    connect();
    return () => {
      abort.abort();
      window.clearTimeout(retry);
    };
  }, [path, enabled]);
  return connected;
}

/** {@code fn} at most once per {@code ms}, trailing: a burst of events causes one refresh. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const saved = useRef(fn);
  saved.current = fn;
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useRef(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      saved.current();
    }, ms);
  }).current;
}
