import { FormEvent, useEffect, useState } from 'react';
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
  // The first provider is chosen once the list arrives, so the form is never on a provider that does not exist.
  // An update of the previous state: one picked by hand before this effect ran (a fast user, or a test) stays.
  useEffect(() => {
    const first = catalog.providers?.[0]?.name;
    if (first) setSource((s) => (s.provider ? s : { ...NO_SOURCE, provider: first }));
  }, [catalog.providers]);
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
  // Render helpers, not components: a component declared here would remount its input on every keystroke.
  type TextKey = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form];
  type CheckKey = { [K in keyof Form]: Form[K] extends boolean ? K : never }[keyof Form];
  const text = (
    key: TextKey,
    caption: string,
    opts: { errorField?: string; number?: { min: string; step: string }; placeholder?: string; disabled?: boolean } = {},
  ) => {
    const errorField = opts.errorField ?? key;
    return (
      <label>
        {caption}
        <input
          name={key}
          type={opts.number ? 'number' : undefined}
          min={opts.number?.min}
          step={opts.number?.step}
          className={invalid(errorField)}
          value={form[key]}
          disabled={opts.disabled}
          onChange={(e) => set(key, e.target.value)}
          placeholder={opts.placeholder}
        />
        {fieldError(errorField)}
      </label>
    );
  };
  const check = (key: CheckKey, caption: string, disabled?: boolean) => (
    <label className="check">
      <input type="checkbox" name={key} checked={form[key]} disabled={disabled} onChange={(e) => set(key, e.target.checked)} />
      {caption}
    </label>
  );

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
          {text('name', 'Name', { placeholder: 'optional' })}
          {text('vm_path', 'VM path', { placeholder: '/srv/vms/web01.ova or a vCenter path' })}
          {text('output_dir', 'Output dir', { placeholder: '/srv/exports/web01' })}
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
          {check('enable_pipeline', 'Convert to KVM after the export (pipeline)')}
          {text('hyper2kvm_path', 'hyper2kvm path', {
            placeholder: 'default: hyper2kvm on PATH, else the bundled converter',
            disabled: !form.enable_pipeline,
          })}
          {check(
            'fix',
            'Fix the guest for KVM (virtio drivers, stable disk names, VMware tools removed, network kept)',
            !form.enable_pipeline,
          )}
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
            {form.boot_check !== '' &&
              form.boot_check !== 'off' &&
              text('boot_check_timeout', 'Boot check timeout (s)', {
                errorField: 'options.boot_check_timeout',
                number: { min: '10', step: '1' },
                placeholder: 'converter default (300)',
                disabled: !form.enable_pipeline,
              })}
          </div>
        </fieldset>

        <fieldset className="card daemon" disabled={!form.enable_pipeline}>
          <legend>hyper2kvm daemon</legend>
          {check('hyper2kvm_daemon', 'Submit to a hyper2kvm daemon (falls back to direct mode when it is not active)')}
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
                {text('hyper2kvm_watch_dir', 'Watch dir')}
                {text('hyper2kvm_output_dir', 'Output dir')}
              </div>
              <div className="row">
                {text('hyper2kvm_poll_interval', 'Poll interval (s)', { number: { min: '0', step: 'any' } })}
                {text('hyper2kvm_daemon_timeout', 'Timeout (min)', { number: { min: '0', step: 'any' } })}
              </div>
            </>
          )}
        </fieldset>

        <fieldset className="card" disabled={!form.enable_pipeline}>
          <legend>libvirt</legend>
          {check('libvirt_integration', 'Define a libvirt domain')}
          {form.libvirt_integration && (
            <>
              {text('libvirt_uri', 'libvirt URI')}
              {check('libvirt_autostart', 'Autostart the domain')}
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
