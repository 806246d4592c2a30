/**
 * A real Nagios Core 4 (Debian nagios4-core) for integration tests: writes a
 * minimal nagios.cfg in a temp dir, runs `nagios4` in the foreground as a child
 * of the test (its own process group), reads status.dat, and kills Nagios and
 * everything it started on stop(). interval_length=1, so intervals are seconds.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const NAGIOS_BIN = '/usr/sbin/nagios4';

export interface NagiosService {
  host: string;
  service: string;
  /** Full command line (Nagios macros allowed, e.g. $USER2$). */
  command: string;
  active: boolean;
  checkInterval?: number;
  /** Passive services: seconds without a result before Nagios runs `command` itself. */
  freshnessThreshold?: number;
}

export type ServiceStatus = Record<string, string>;

export interface NagiosPeer {
  dir: string;
  statusFile: string;
  commandFile: string;
  services(): Promise<ServiceStatus[]>;
  service(host: string, service: string): Promise<ServiceStatus | undefined>;
  /** Polls status.dat until `ok` holds for the service, or fails with the last status seen. */
  waitFor(host: string, service: string, ok: (s: ServiceStatus) => boolean, timeoutMs?: number): Promise<ServiceStatus>;
  stop(): Promise<void>;
}

function objects(services: NagiosService[]): string {
  const hosts = [...new Set(services.map((s) => s.host))];
  const common = `  max_check_attempts 1\n  check_period 24x7\n  contacts nobody\n  notification_period 24x7\n  notifications_enabled 0\n`;
  return [
    `define timeperiod {\n  timeperiod_name 24x7\n  alias 24x7\n${['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => `  ${d} 00:00-24:00\n`).join('')}}`,
    `define contact {\n  contact_name nobody\n  host_notifications_enabled 0\n  service_notifications_enabled 0\n  host_notification_period 24x7\n  service_notification_period 24x7\n  host_notification_options n\n  service_notification_options n\n  host_notification_commands noop\n  service_notification_commands noop\n}`,
    `define command {\n  command_name noop\n  command_line /bin/true\n}`,
    ...hosts.map(
      (h) =>
        `define host {\n  host_name ${h}\n  address 127.0.0.1\n  check_command noop\n  active_checks_enabled 0\n  passive_checks_enabled 1\n  check_interval 60\n${common}}`,
    ),
    ...services.map(
      (s, i) =>
        `define command {\n  command_name svc_${i}\n  command_line ${s.command}\n}\n` +
        `define service {\n  host_name ${s.host}\n  service_description ${s.service}\n  check_command svc_${i}\n` +
        `  active_checks_enabled ${s.active ? 1 : 0}\n  passive_checks_enabled 1\n  check_interval ${s.checkInterval ?? 1}\n  retry_interval ${s.checkInterval ?? 1}\n` +
        (s.freshnessThreshold ? `  check_freshness 1\n  freshness_threshold ${s.freshnessThreshold}\n` : '') +
        common +
        `}`,
    ),
  ].join('\n');
}

function mainConfig(dir: string, user: { name: string; group: string }): string {
  const v = join(dir, 'var');
  return `log_file=${v}/nagios.log
cfg_file=${dir}/etc/objects.cfg
resource_file=${dir}/etc/resource.cfg
object_cache_file=${v}/objects.cache
precached_object_file=${v}/objects.precache
status_file=${v}/status.dat
status_update_interval=1
state_retention_file=${v}/retention.dat
retain_state_information=0
lock_file=${v}/nagios.pid
temp_file=${v}/nagios.tmp
temp_path=${v}
check_result_path=${v}/spool/checkresults
query_socket=${v}/rw/nagios.qh
nagios_user=${user.name}
nagios_group=${user.group}
check_external_commands=1
command_file=${v}/rw/nagios.cmd
log_rotation_method=n
log_archive_path=${v}
use_syslog=0
enable_notifications=0
enable_event_handlers=0
enable_flap_detection=0
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
check_result_reaper_frequency=1
max_check_result_reaper_time=2
service_check_timeout=30
host_check_timeout=10
execute_service_checks=1
accept_passive_service_checks=1
execute_host_checks=1
accept_passive_host_checks=1
check_service_freshness=1
service_freshness_check_interval=1
additional_freshness_latency=0
check_host_freshness=0
enable_environment_macros=0
illegal_macro_output_chars=\`~$&|'"<>
`;
}

export function parseStatus(text: string): ServiceStatus[] {
  const out: ServiceStatus[] = [];
  let current: ServiceStatus | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('servicestatus {')) current = {};
    else if (current && line.startsWith('\t}')) {
      out.push(current);
      current = undefined;
    } else if (current) {
      const body = line.replace(/^\t/, '');
      const eq = body.indexOf('=');
      if (eq > 0) current[body.slice(0, eq)] = body.slice(eq + 1);
    }
  }
  return out;
}

/** Every descendant of `pid` (Nagios runs checks in their own process groups, so a group kill is not enough). */
function descendants(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startNagios(services: NagiosService[], resources: Record<string, string> = {}): Promise<NagiosPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'netsync-nagios-'));
  for (const sub of ['etc', 'var/rw', 'var/spool/checkresults']) await mkdir(join(dir, sub), { recursive: true });
  // As root (the usual test set-up) Nagios drops to the Debian package's `nagios` user; otherwise it runs as us.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { name: 'nagios', group: 'nagios' } : { name: userInfo().username, group: execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim() };
  await writeFile(join(dir, 'etc/nagios.cfg'), mainConfig(dir, user));
  await writeFile(join(dir, 'etc/objects.cfg'), objects(services));
  // $USERn$ macros keep secrets (the API token) out of the object config, as in a real install.
  await writeFile(
    join(dir, 'etc/resource.cfg'),
    Object.entries(resources)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o640 },
  );
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'nagios'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'nagios'], { encoding: 'utf8' }).trim());
    for (const p of [dir, join(dir, 'etc/resource.cfg'), join(dir, 'var'), join(dir, 'var/rw'), join(dir, 'var/spool'), join(dir, 'var/spool/checkresults')])
      await chown(p, uid, gid);
  }
  await chmod(dir, 0o755);
  await chmod(join(dir, 'var/rw'), 0o2775);

  const cfg = join(dir, 'etc/nagios.cfg');
  try {
    execFileSync(NAGIOS_BIN, ['-v', cfg], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`nagios4 -v rejected the test config:\n${(err as { stdout?: string }).stdout ?? err}`, { cause: err });
  }
  const child: ChildProcess = spawn(NAGIOS_BIN, [cfg], { detached: true, stdio: 'ignore' });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const statusFile = join(dir, 'var/status.dat');
  const commandFile = join(dir, 'var/rw/nagios.cmd');

  const services_ = async () => {
    try {
      return parseStatus(await readFile(statusFile, 'utf8'));
    } catch {
      return [];
    }
  };
  const service = async (host: string, svc: string) => (await services_()).find((s) => s.host_name === host && s.service_description === svc);
  const peer: NagiosPeer = {
    dir,
    statusFile,
    commandFile,
    services: services_,
    service,
    async waitFor(host, svc, ok, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ServiceStatus | undefined;
      while (Date.now() < deadline) {
        if (!alive(pid)) throw new Error(`nagios exited; see ${join(dir, 'var/nagios.log')}`);
        last = await service(host, svc);
        if (last && ok(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`nagios service ${host}/${svc} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    },
    async stop() {
      const kids = descendants(pid);
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const p of [pid, ...kids]) if (alive(p)) process.kill(p, 'SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await rm(dir, { recursive: true, force: true });
    },
  };
  // Ready when the command FIFO exists (created once Nagios has dropped privileges and started).
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await stat(commandFile).catch(() => undefined))?.isFIFO()) return peer;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = await readFile(join(dir, 'var/nagios.log'), 'utf8').catch(() => '(no log)');
  await peer.stop();
  throw new Error(`nagios did not start:\n${log}`);
}
