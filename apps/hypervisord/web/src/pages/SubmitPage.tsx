import { FormEvent, useState } from 'react';
import { ApiError, Instance, Instances, api } from '../api';
import { usePolling } from '../hooks';
import { Catalog, NO_SOURCE, Source, SourceSection, resolve, sourceSettings, useCatalog } from './SourceSection';

interface Form {
  name: string;
  vm_path: string;
  output_dir: string;
  format: string;
  enable_pipeline: boolean;
  hyper2kvm_path: string;
  fix: boolean;
  boot_check: string;
  boot_check_timeout: string;
  hyper2kvm_daemon: boolean;
  hyper2kvm_instance: string;
  hyper2kvm_watch_dir: string;
  hyper2kvm_output_dir: string;
  hyper2kvm_poll_interval: string;
  hyper2kvm_daemon_timeout: string;
  libvirt_integration: boolean;
  libvirt_uri: string;
  libvirt_autostart: boolean;
}

const INITIAL: Form = {
  name: '',
  vm_path: '',
  output_dir: '',
  format: 'ova',
  enable_pipeline: true,
  hyper2kvm_path: '',
  fix: true,
  boot_check: '',
  boot_check_timeout: '',
  hyper2kvm_daemon: false,
  hyper2kvm_instance: '',
  hyper2kvm_watch_dir: '',
  hyper2kvm_output_dir: '',
  hyper2kvm_poll_interval: '5',
  hyper2kvm_daemon_timeout: '60',
  libvirt_integration: false,
  libvirt_uri: 'qemu:///system',
  libvirt_autostart: false,
};

/** The job as the API takes it: only what was filled in; the instance "default" is the main hyper2kvm.service. */
function toJob(f: Form, source: Source, catalog: Catalog): Record<string, unknown> {
  const options: Record<string, unknown> = { enable_pipeline: f.enable_pipeline };
  if (f.enable_pipeline) {
    if (f.hyper2kvm_path.trim()) options.hyper2kvm_path = f.hyper2kvm_path.trim();
    options.fix = f.fix;
    // An untouched boot check is "not given": the converter's own boot_check setting applies.
    if (f.boot_check) {
      options.boot_check = f.boot_check;
      if (f.boot_check !== 'off' && f.boot_check_timeout.trim()) options.boot_check_timeout = Number(f.boot_check_timeout);
    }
    if (f.hyper2kvm_daemon) {
      options.hyper2kvm_daemon = true;
      if (f.hyper2kvm_instance && f.hyper2kvm_instance !== 'default') options.hyper2kvm_instance = f.hyper2kvm_instance;
      if (f.hyper2kvm_watch_dir.trim()) options.hyper2kvm_watch_dir = f.hyper2kvm_watch_dir.trim();
      if (f.hyper2kvm_output_dir.trim()) options.hyper2kvm_output_dir = f.hyper2kvm_output_dir.trim();
      if (f.hyper2kvm_poll_interval.trim()) options.hyper2kvm_poll_interval = Number(f.hyper2kvm_poll_interval);
      if (f.hyper2kvm_daemon_timeout.trim()) options.hyper2kvm_daemon_timeout = Number(f.hyper2kvm_daemon_timeout);
    }
    if (f.libvirt_integration) {
      options.libvirt_integration = true;
      if (f.libvirt_uri.trim()) options.libvirt_uri = f.libvirt_uri.trim();
      options.libvirt_autostart = f.libvirt_autostart;
    }
  }
  const job: Record<string, unknown> = {
    vm_path: f.vm_path.trim(),
    output_dir: f.output_dir.trim(),
    format: f.format,
    provider: source.provider,
    options,
  };
  if (f.name.trim()) job.name = f.name.trim();
  if (source.connection) job.connection = source.connection;
  // The connection's own settings are left out (its fields are hidden); the rest override the defaults.
  const { provider, connection } = resolve(catalog, source);
  const settings = sourceSettings(source, provider, connection);
  if (Object.keys(settings).length > 0) job.settings = settings;
  return job;
}

/** The submission form, with the hyper2kvm daemon section and its live daemon status. */
export function SubmitPage() {
  const [form, setForm] = useState<Form>(INITIAL);
  const [source, setSource] = useState<Source>(NO_SOURCE);
  const catalog = useCatalog();
  const [instances, setInstances] = useState<Instance[] | null>(null);
  const [instancesError, setInstancesError] = useState<string | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  usePolling(async () => {
    try {
      const r = await api<Instances>('/hyper2kvm/instances');
      setInstances(r.instances);
      setInstancesError(null);
      setCheckedAt(new Date());
    } catch (e) {
      setInstancesError((e as Error).message);
    }
  }, 3000);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  function chooseInstance(name: string) {
    const inst = instances?.find((i) => i.name === name);
    setForm((f) => ({
      ...f,
      hyper2kvm_instance: name,
      hyper2kvm_watch_dir: inst?.watch_dir ?? '',
      hyper2kvm_output_dir: inst?.output_dir ?? '',
    }));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ job_ids: string[]; errors?: unknown[] }>('/jobs/submit', {
        method: 'POST',
        body: JSON.stringify(toJob(form, source, catalog)),
      });
      if (r.job_ids && r.job_ids.length > 0) {
        window.location.hash = '#/jobs';
      } else {
        setError({ message: `not accepted: ${JSON.stringify(r.errors ?? r)}` });
      }
    } catch (err) {
      if (err instanceof ApiError) setError({ message: err.message, field: err.field });
      else setError({ message: String((err as Error).message) });
    } finally {
      setBusy(false);
    }
  }

  const chosen = instances?.find((i) => i.name === form.hyper2kvm_instance);
  const fieldError = (field: string) =>
    error?.field === field ? (
      <span className="field-error" role="alert" data-field={field}>
        {error.message}
      </span>
    ) : null;
  const invalid = (field: string) => (error?.field === field ? 'invalid' : undefined);

  return (
    <section>
      <div className="page-head">
        <h2>New job</h2>
      </div>
      <form className="job-form" onSubmit={submit} noValidate>
        {error && (
          <div className="error-box" role="alert" data-testid="form-error">
            {error.message}
          </div>
        )}
        <fieldset className="card">
          <legend>Source</legend>
          <SourceSection
            catalog={catalog}
            source={source}
            onChange={setSource}
            onPickVm={(path) => set('vm_path', path)}
            fieldError={fieldError}
            invalid={invalid}
          />
        </fieldset>

        <fieldset className="card">
          <legend>Virtual machine</legend>
          <label>
            Name
            <input name="name" value={form.name} onChange={(e) => set('name', e.target.value)} placeholder="optional" />
            {fieldError('name')}
          </label>
          <label>
            VM path
            <input
              name="vm_path"
              className={invalid('vm_path')}
              value={form.vm_path}
              onChange={(e) => set('vm_path', e.target.value)}
              placeholder="/srv/vms/web01.ova or a vCenter path"
            />
            {fieldError('vm_path')}
          </label>
          <label>
            Output dir
            <input
              name="output_dir"
              className={invalid('output_dir')}
              value={form.output_dir}
              onChange={(e) => set('output_dir', e.target.value)}
              placeholder="/srv/exports/web01"
            />
            {fieldError('output_dir')}
          </label>
          <label>
            Format
            <select name="format" value={form.format} onChange={(e) => set('format', e.target.value)}>
              <option value="ova">ova</option>
              <option value="ovf">ovf</option>
            </select>
            {fieldError('format')}
          </label>
        </fieldset>

        <fieldset className="card">
          <legend>Pipeline</legend>
          <label className="check">
            <input
              type="checkbox"
              name="enable_pipeline"
              checked={form.enable_pipeline}
              onChange={(e) => set('enable_pipeline', e.target.checked)}
            />
            Convert to KVM after the export (pipeline)
          </label>
          <label>
            hyper2kvm path
            <input
              name="hyper2kvm_path"
              value={form.hyper2kvm_path}
              disabled={!form.enable_pipeline}
              onChange={(e) => set('hyper2kvm_path', e.target.value)}
              placeholder="default: hyper2kvm on PATH, else the bundled converter"
            />
            {fieldError('hyper2kvm_path')}
          </label>
          <label className="check">
            <input
              type="checkbox"
              name="fix"
              checked={form.fix}
              disabled={!form.enable_pipeline}
              onChange={(e) => set('fix', e.target.checked)}
            />
            Fix the guest for KVM (virtio drivers, stable disk names, VMware tools removed, network kept)
          </label>
          <div className="row">
            <label>
              Boot check
              <select
                name="boot_check"
                className={invalid('options.boot_check')}
                value={form.boot_check}
                disabled={!form.enable_pipeline}
                onChange={(e) => set('boot_check', e.target.value)}
              >
                <option value="">Converter default</option>
                <option value="off">Off</option>
                <option value="on">On: a VM that does not boot fails the job</option>
                <option value="warn">Warn: a VM that does not boot only warns</option>
              </select>
              {fieldError('options.boot_check')}
            </label>
            {form.boot_check !== '' && form.boot_check !== 'off' && (
              <label>
                Boot check timeout (s)
                <input
                  name="boot_check_timeout"
                  type="number"
                  min="10"
                  step="1"
                  className={invalid('options.boot_check_timeout')}
                  value={form.boot_check_timeout}
                  disabled={!form.enable_pipeline}
                  onChange={(e) => set('boot_check_timeout', e.target.value)}
                  placeholder="converter default (300)"
                />
                {fieldError('options.boot_check_timeout')}
              </label>
            )}
          </div>
        </fieldset>

        <fieldset className="card daemon" disabled={!form.enable_pipeline}>
          <legend>hyper2kvm daemon</legend>
          <label className="check">
            <input
              type="checkbox"
              name="hyper2kvm_daemon"
              checked={form.hyper2kvm_daemon}
              onChange={(e) => set('hyper2kvm_daemon', e.target.checked)}
            />
            Submit to a hyper2kvm daemon (falls back to direct mode when it is not active)
          </label>
          {form.hyper2kvm_daemon && (
            <>
              <label>
                Instance
                <select
                  name="hyper2kvm_instance"
                  className={invalid('hyper2kvm_instance')}
                  value={form.hyper2kvm_instance}
                  onChange={(e) => chooseInstance(e.target.value)}
                >
                  <option value="">— choose an instance —</option>
                  {(instances ?? []).map((i) => (
                    <option key={i.name} value={i.name}>
                      {i.name}
                      {i.service ? ` (${i.service})` : ''}
                    </option>
                  ))}
                </select>
                {fieldError('hyper2kvm_instance')}
              </label>
              <DaemonIndicator
                chosen={chosen}
                name={form.hyper2kvm_instance}
                error={instancesError}
                checkedAt={checkedAt}
                loaded={instances !== null}
              />
              <div className="row">
                <label>
                  Watch dir
                  <input
                    name="hyper2kvm_watch_dir"
                    className={invalid('hyper2kvm_watch_dir')}
                    value={form.hyper2kvm_watch_dir}
                    onChange={(e) => set('hyper2kvm_watch_dir', e.target.value)}
                  />
                  {fieldError('hyper2kvm_watch_dir')}
                </label>
                <label>
                  Output dir
                  <input
                    name="hyper2kvm_output_dir"
                    className={invalid('hyper2kvm_output_dir')}
                    value={form.hyper2kvm_output_dir}
                    onChange={(e) => set('hyper2kvm_output_dir', e.target.value)}
                  />
                  {fieldError('hyper2kvm_output_dir')}
                </label>
              </div>
              <div className="row">
                <label>
                  Poll interval (s)
                  <input
                    name="hyper2kvm_poll_interval"
                    type="number"
                    min="0"
                    step="any"
                    className={invalid('hyper2kvm_poll_interval')}
                    value={form.hyper2kvm_poll_interval}
                    onChange={(e) => set('hyper2kvm_poll_interval', e.target.value)}
                  />
                  {fieldError('hyper2kvm_poll_interval')}
                </label>
                <label>
                  Timeout (min)
                  <input
                    name="hyper2kvm_daemon_timeout"
                    type="number"
                    min="0"
                    step="any"
                    className={invalid('hyper2kvm_daemon_timeout')}
                    value={form.hyper2kvm_daemon_timeout}
                    onChange={(e) => set('hyper2kvm_daemon_timeout', e.target.value)}
                  />
                  {fieldError('hyper2kvm_daemon_timeout')}
                </label>
              </div>
            </>
          )}
        </fieldset>

        <fieldset className="card" disabled={!form.enable_pipeline}>
          <legend>libvirt</legend>
          <label className="check">
            <input
              type="checkbox"
              name="libvirt_integration"
              checked={form.libvirt_integration}
              onChange={(e) => set('libvirt_integration', e.target.checked)}
            />
            Define a libvirt domain
          </label>
          {form.libvirt_integration && (
            <>
              <label>
                libvirt URI
                <input name="libvirt_uri" value={form.libvirt_uri} onChange={(e) => set('libvirt_uri', e.target.value)} />
                {fieldError('libvirt_uri')}
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  name="libvirt_autostart"
                  checked={form.libvirt_autostart}
                  onChange={(e) => set('libvirt_autostart', e.target.checked)}
                />
                Autostart the domain
              </label>
            </>
          )}
        </fieldset>

        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Submitting…' : 'Submit job'}
          </button>
        </div>
      </form>
    </section>
  );
}

function DaemonIndicator(props: {
  chosen?: Instance;
  name: string;
  error: string | null;
  checkedAt: Date | null;
  loaded: boolean;
}) {
  const { chosen, name, error, checkedAt, loaded } = props;
  let state: 'active' | 'fallback' | 'unknown';
  let text: string;
  if (error) {
    state = 'unknown';
    text = `Cannot read the instances: ${error}`;
  } else if (!loaded) {
    state = 'unknown';
    text = 'Reading the instances…';
  } else if (!name) {
    state = 'unknown';
    text = 'Choose an instance to see whether its daemon is active.';
  } else if (!chosen) {
    state = 'fallback';
    text = `Instance ${name} is no longer known: the job will fall back to direct mode.`;
  } else if (chosen.active) {
    state = 'active';
    text = `Daemon ${chosen.name} is active — ${chosen.active_reason ?? 'active'}.`;
  } else {
    state = 'fallback';
    text = `Daemon ${chosen.name} is not active (${chosen.error ?? chosen.active_reason ?? 'no fresh heartbeat'}): the job will fall back to direct mode.`;
  }
  return (
    <div className={`indicator indicator-${state}`} data-testid="daemon-indicator" data-state={state} aria-live="polite">
      <span className="dot" />
      <span>
        {text}
        {checkedAt && <span className="muted small"> (checked {checkedAt.toLocaleTimeString()})</span>}
      </span>
    </div>
  );
}
