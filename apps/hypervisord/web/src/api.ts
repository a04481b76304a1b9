// The hypervisord REST API as the dashboard uses it: bearer token from localStorage, 401 → token page.

const TOKEN_KEY = 'hypervisord.token';

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

/** Fired when the API answers 401: the app shows the token page again. */
export const UNAUTHORIZED_EVENT = 'hypervisord:unauthorized';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}, token = getToken()): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; field?: string };
    // Only a refused saved token sends the user back to the token page (checking a new one does not).
    if (res.status === 401 && token !== null && token === getToken()) {
      clearToken();
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    throw new ApiError(res.status, b.error ?? `${res.status} ${res.statusText}`, b.field ?? undefined);
  }
  return body as T;
}

export interface Progress {
  phase?: string;
  percent_complete?: number;
  bytes_transferred?: number;
  total_bytes?: number;
  estimated_remaining_seconds?: number;
}

export interface JobResult {
  vm_name?: string;
  manifest?: string;
  exported_files?: string[];
  pipeline_mode?: string;
  pipeline_reason?: string;
  converter?: string;
  daemon_job_id?: string;
  daemon_job_state?: string;
  outputs?: string[];
  libvirt_domain?: string;
  warnings?: string[];
  failed_step?: string;
  error?: string;
  changes?: { file: string; change: string }[];
  boot_check?: { status: string; reason?: string; boot_seconds?: number; accel?: string };
}

export interface Job {
  id: string;
  definition?: {
    name?: string;
    vm_path?: string;
    output_dir?: string;
    provider?: string;
    connection?: string;
    format?: string;
    options?: {
      enable_pipeline?: boolean;
      fix?: boolean;
      boot_check?: string;
      boot_check_timeout?: number;
    };
  };
  status: string;
  progress?: Progress;
  result?: JobResult;
  error?: string;
  created_at?: string;
  started_at?: string;
  completed_at?: string;
  updated_at?: string;
}

export interface LogLine {
  seq: number;
  at: string;
  level: string;
  message: string;
}

export interface Instance {
  name: string;
  service?: string;
  config_file?: string;
  active: boolean;
  active_reason?: string;
  watch_dir?: string;
  output_dir?: string;
  queue?: Record<string, number>;
  heartbeat?: { owner?: string; host?: string; pid?: number; state?: string; updated_at?: string; age_seconds?: number; fresh?: boolean };
  error?: string;
  sources?: string[];
  systemd?: { unit?: string; available?: boolean; state?: string; sub_state?: string; main_pid?: number; active_since?: string; note?: string };
}

/** One manifest of a queue, as `hyperctl daemon queue` lists it. */
export interface QueueEntry {
  state: string;
  manifest: string;
  owner?: string;
  vm_name?: string;
  job_id?: string;
  age_seconds: number;
  error?: string;
}

export interface Instances {
  config_dir?: string;
  instances: Instance[];
  queue_entries?: Record<string, QueueEntry[]>;
  timestamp?: string;
}

/** One setting a provider declares: the dashboard draws its field from this. */
export interface SettingSpec {
  name: string;
  type: string;
  default?: string | null;
  default_value?: string | null;
  required?: boolean;
  secret?: boolean;
  description?: string;
  choices?: string[];
}

/** A setting's default as text, whichever name the API gives it. */
export function settingDefault(s: SettingSpec): string | undefined {
  const d = s.default ?? s.default_value;
  return d === undefined || d === null ? undefined : String(d);
}

export interface ProviderInfo {
  name: string;
  description?: string;
  settings: SettingSpec[];
}

/** A named connection of the daemon's config: non-secret values, and only the names of its secrets. */
export interface Connection {
  name: string;
  provider: string;
  settings?: Record<string, unknown>;
  secrets?: string[];
}

export interface VmSummary {
  path: string;
  name?: string;
  power_state?: string;
  cpus?: number;
  memory_mib?: number;
  disks?: number | unknown[];
}

export const TERMINAL = ['completed', 'failed', 'cancelled'];
