import { ReactNode, useEffect, useState } from 'react';
import { Connection, ProviderInfo, SettingSpec, VmSummary, api, settingDefault } from '../api';

/** Where the VM comes from: a provider, and either a named connection or settings typed in the form. */
export interface Source {
  provider: string;
  connection: string;
  /** Only what the user typed or ticked; untouched settings keep the provider's default. */
  values: Record<string, string | boolean>;
}

export const NO_SOURCE: Source = { provider: '', connection: '', values: {} };

/** The providers and named connections the daemon offers, read once when the form opens; null while loading. */
export interface Catalog {
  providers: ProviderInfo[] | null;
  connections: Connection[] | null;
  error: string | null;
}

export function useCatalog(): Catalog {
  const [catalog, setCatalog] = useState<Catalog>({ providers: null, connections: null, error: null });
  useEffect(() => {
    api<ProviderInfo[]>('/providers')
      .then((providers) => setCatalog((c) => ({ ...c, providers })))
      .catch((e) => setCatalog((c) => ({ ...c, providers: [], error: `Cannot read the providers: ${(e as Error).message}` })));
    api<Connection[]>('/connections')
      .then((connections) => setCatalog((c) => ({ ...c, connections })))
      .catch((e) => setCatalog((c) => ({ ...c, connections: [], error: `Cannot read the connections: ${(e as Error).message}` })));
  }, []);
  return catalog;
}

/** The chosen provider's schema and the chosen connection, when they are known. */
export function resolve(catalog: Catalog, source: Source): { provider?: ProviderInfo; connection?: Connection } {
  return {
    provider: catalog.providers?.find((p) => p.name === source.provider),
    connection: catalog.connections?.find((c) => c.provider === source.provider && c.name === source.connection),
  };
}

/** Whether the named connection already sets this setting (then its field is hidden). */
function coveredBy(connection: Connection | undefined, name: string): boolean {
  if (!connection) return false;
  return (connection.secrets ?? []).includes(name) || Object.prototype.hasOwnProperty.call(connection.settings ?? {}, name);
}

/** The settings as the job (and the VM listing) carry them: text, as in a config file; only those filled in. */
export function sourceSettings(source: Source, provider?: ProviderInfo, connection?: Connection): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of provider?.settings ?? []) {
    const v = source.values[s.name];
    if (v === undefined || coveredBy(connection, s.name)) continue;
    if (typeof v === 'boolean') out[s.name] = String(v);
    else if (s.secret) {
      if (v !== '') out[s.name] = v;
    } else if (v.trim() !== '') out[s.name] = v.trim();
  }
  return out;
}

function isBool(s: SettingSpec) {
  return s.type === 'bool' || s.type === 'boolean';
}

const ACRONYMS = new Set(['url', 'ca', 'id', 'tls', 'vm', 'ip', 'uri', 'api', 'ssh']);

/** A setting's name for people: {@code ca_file} is "CA file". */
function label(name: string) {
  const words = name.split('_').map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function SettingField(props: {
  spec: SettingSpec;
  value: string | boolean | undefined;
  onChange: (v: string | boolean) => void;
  fieldError: (field: string) => ReactNode;
  invalid: (field: string) => string | undefined;
}) {
  const { spec, value, onChange, fieldError, invalid } = props;
  const id = `setting-${spec.name}`;
  const hint = spec.description ? (
    <span id={`${id}-hint`} className="hint">
      {spec.description}
    </span>
  ) : null;
  const common = {
    id,
    name: `settings.${spec.name}`,
    'aria-describedby': spec.description ? `${id}-hint` : undefined,
    className: invalid(spec.name) ?? invalid(`settings.${spec.name}`),
  };
  const errors = (
    <>
      {fieldError(spec.name)}
      {fieldError(`settings.${spec.name}`)}
    </>
  );
  if (isBool(spec)) {
    const checked = typeof value === 'boolean' ? value : settingDefault(spec) === 'true';
    return (
      <div className="setting">
        <label className="check">
          <input type="checkbox" {...common} checked={checked} onChange={(e) => onChange(e.target.checked)} />
          {label(spec.name)}
        </label>
        {hint}
        {errors}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  const title = (
    <>
      {label(spec.name)}
      {spec.required && (
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      )}
    </>
  );
  const placeholder = spec.secret ? undefined : settingDefault(spec);
  let control;
  if (spec.type === 'enum' && spec.choices && spec.choices.length > 0) {
    control = (
      <select {...common} required={spec.required} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">{placeholder ? `default (${placeholder})` : '—'}</option>
        {spec.choices.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else {
    // Secrets are typed fresh every time: never prefilled, never read back from the server.
    const type = spec.secret ? 'password' : spec.type === 'int' ? 'number' : 'text';
    control = (
      <input
        {...common}
        type={type}
        required={spec.required}
        autoComplete={spec.secret ? 'new-password' : 'off'}
        value={text}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="setting">
      <label htmlFor={id}>{title}</label>
      {control}
      {hint}
      {errors}
    </div>
  );
}

/**
 * The provider select (from GET /providers), the named-connection select (from GET /connections) and the
 * provider's settings drawn from its schema; "Browse VMs" lists the source's VMs and picking one fills the VM path.
 */
export function SourceSection(props: {
  catalog: Catalog;
  source: Source;
  onChange: (s: Source) => void;
  onPickVm: (path: string) => void;
  fieldError: (field: string) => ReactNode;
  invalid: (field: string) => string | undefined;
}) {
  const { catalog, source, onChange, onPickVm, fieldError, invalid } = props;
  const { providers, connections, error: loadError } = catalog;
  const [vms, setVms] = useState<VmSummary[] | null>(null);
  const [vmError, setVmError] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);

  const { provider, connection } = resolve(catalog, source);
  const ofProvider = (connections ?? []).filter((c) => c.provider === source.provider);
  const shown = (provider?.settings ?? []).filter((s) => !coveredBy(connection, s.name));

  async function browse() {
    setBrowsing(true);
    setVmError(null);
    setVms(null);
    const body = connection
      ? { connection: connection.name, settings: sourceSettings(source, provider, connection) }
      : { settings: sourceSettings(source, provider) };
    try {
      setVms(await api<VmSummary[]>(`/providers/${encodeURIComponent(source.provider)}/vms`, {
        method: 'POST',
        body: JSON.stringify(body),
      }));
    } catch (e) {
      setVmError((e as Error).message);
    } finally {
      setBrowsing(false);
    }
  }

  return (
    <>
      {loadError && (
        <div className="error-box" role="alert">
          {loadError}
        </div>
      )}
      <div className="row">
        <label>
          Provider
          <select
            name="provider"
            className={invalid('provider')}
            value={source.provider}
            onChange={(e) => {
              setVms(null);
              onChange({ ...NO_SOURCE, provider: e.target.value });
            }}
          >
            {providers === null && <option value="">loading…</option>}
            {(providers ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
          {provider?.description && (
            <span className="hint" data-testid="provider-description">
              {provider.description}
            </span>
          )}
          {fieldError('provider')}
        </label>
        <label>
          Connection
          <select
            name="connection"
            className={invalid('connection')}
            value={source.connection}
            disabled={ofProvider.length === 0}
            onChange={(e) => onChange({ ...source, connection: e.target.value })}
          >
            <option value="">
              {connections === null ? 'loading…' : ofProvider.length === 0 ? 'none configured' : 'settings entered below'}
            </option>
            {ofProvider.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          {fieldError('connection')}
        </label>
      </div>
      {connection && (
        <p className="muted small" data-testid="connection-note">
          Connection {connection.name} sets{' '}
          {[...Object.keys(connection.settings ?? {}), ...(connection.secrets ?? [])].join(', ') || 'nothing'}; its
          secrets stay on the server.
        </p>
      )}
      {shown.length > 0 && (
        <div className="settings" data-testid="provider-settings">
          {shown.map((s) => (
            <SettingField
              key={`${source.provider}.${s.name}`}
              spec={s}
              value={source.values[s.name]}
              onChange={(v) => onChange({ ...source, values: { ...source.values, [s.name]: v } })}
              fieldError={fieldError}
              invalid={invalid}
            />
          ))}
        </div>
      )}
      <div className="browse">
        <button type="button" className="secondary" onClick={browse} disabled={!source.provider || browsing}>
          {browsing ? 'Listing VMs…' : 'Browse VMs'}
        </button>
        {vmError && (
          <span className="field-error" role="alert" data-testid="vm-error">
            {vmError}
          </span>
        )}
      </div>
      {vms && <VmList vms={vms} onPick={(p) => { onPickVm(p); setVms(null); }} />}
    </>
  );
}

function diskCount(d: VmSummary['disks']): string {
  const n = Array.isArray(d) ? d.length : d;
  return n === undefined ? '— disks' : n === 1 ? '1 disk' : `${n} disks`;
}

function VmList({ vms, onPick }: { vms: VmSummary[]; onPick: (path: string) => void }) {
  if (vms.length === 0) return <p className="muted">No VMs.</p>;
  return (
    <ul className="vm-list" data-testid="vm-list" aria-label="VMs">
      {vms.map((vm) => (
        <li key={vm.path} className="vm-row" data-path={vm.path}>
          <span className="vm-path">
            <code>{vm.path}</code>
          </span>
          <span className={`power power-${vm.power_state ?? 'unknown'}`}>{vm.power_state ?? 'unknown'}</span>
          <span className="muted small">
            {vm.cpus ?? '—'} vCPU · {vm.memory_mib ?? '—'} MiB · {diskCount(vm.disks)}
          </span>
          <button type="button" className="secondary" aria-label={`Use ${vm.path}`} onClick={() => onPick(vm.path)}>
            Use
          </button>
        </li>
      ))}
    </ul>
  );
}
