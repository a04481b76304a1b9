import { FormEvent, useState } from 'react';
import { ApiError, api, setToken } from '../api';

/** First visit (or after a 401): asks for the API token, checks it against /status, keeps it in localStorage. */
export function TokenPage({ expired, onSaved }: { expired: boolean; onSaved: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = value.trim();
    if (!t) return;
    setBusy(true);
    setError(null);
    try {
      await api('/status', {}, t);
      setToken(t);
      onSaved(t);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'The token was refused.' : String((err as Error).message));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="token-page">
      <form className="card token-card" onSubmit={submit}>
        <h1>hypervisord</h1>
        {expired && <p className="warn">The API refused the saved token. Enter it again.</p>}
        <p>
          Enter the API token. It is in <code>DATA_DIR/api-token</code> (or the file in <code>api_token_file</code>
          ), e.g. <code>sudo cat /var/lib/hypervisord/api-token</code>. It is kept in this browser only.
        </p>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !value.trim()}>
          Save token
        </button>
      </form>
    </div>
  );
}
