/**
 * One device: fields, sync state, history, intended config (secrets masked), a dry-run diff, and the
 * operator's actions (sync now, MANAGED/UNMANAGED, mark unsynchronized, edit, delete); adding a device.
 */
import { Router } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { DEVICE_STATES, TRANSPORTS } from '../../model/device.ts';
import type { Device } from '../../model/device.ts';
import { isNetsyncError, NetsyncError } from '../../model/errors.ts';
import { isFinished } from '../../model/job.ts';
import type { Ui } from '../deps.ts';
import type { DeviceFormValues, FieldErrors } from '../deviceForm.ts';
import { formValues, parseDeviceEdit, parseNewDevice } from '../deviceForm.ts';
import { field } from '../page.ts';
import { requireOperator, uiActor } from '../session.ts';

/** How long "show diff" waits for its dry run before sending the user to the job page instead. */
const DIFF_WAIT_MS = 30_000;

/** The other inventory systems (NSO, NetBox, BSS) a device added or deleted here is reconciled with; 'ui' is this one. */
function otherSystems(ui: Ui): string[] {
  return ui.inventorySync.configuredSources.filter((s) => s !== 'ui');
}

function formChoices(ui: Ui) {
  return { states: DEVICE_STATES, transports: TRANSPORTS, sources: otherSystems(ui) };
}

function valuesOf(d: Device): DeviceFormValues {
  return {
    hostname: d.hostname,
    managementIp: d.managementIp,
    port: String(d.port),
    platform: d.platform,
    transport: d.transport,
    type: d.type,
    groups: d.groups.join(', '),
    state: d.state,
  };
}

function hostnameParam(req: Request): string {
  return String(req.params.hostname);
}

const path = (hostname: string) => `/devices/${encodeURIComponent(hostname)}`;

export function devicePages(ui: Ui): Router {
  const r = Router();
  addDeviceRoutes(r, ui);
  deviceRoutes(r, ui);
  editDeviceRoutes(r, ui);
  return r;
}

/** The intended config shown on the device page (masked), or why there is none. */
async function intended(ui: Ui, device: Device): Promise<{ config?: string; error?: string; commits?: { settings: string; templates: string } }> {
  if (!ui.gitops) return { error: 'no settings/templates repos are configured, so there is no intended config' };
  try {
    const ctx = await ui.gitops.renderer.context();
    // Promise.resolve: rendering may become asynchronous (render processes); this works either way.
    const rendered = await Promise.resolve(ctx.render(device));
    return { config: rendered.masked, commits: { settings: rendered.settingsCommit, templates: rendered.templatesCommit } };
  } catch (err) {
    return { error: isNetsyncError(err) ? `${err.message} [${err.code}]` : (err as Error).message };
  }
}

/** Adding a device (optionally verified over SSH first). */
function addDeviceRoutes(r: Router, ui: Ui): void {
  const showAddForm = (req: Request, res: Response, values: Partial<DeviceFormValues>, errors: FieldErrors = {}, status = 200) =>
    ui.page(req, res, 'device-new.njk', { values, errors, ...formChoices(ui) }, status);

  r.get('/add-device', requireOperator, (req, res) => showAddForm(req, res, { state: 'MANAGED' }));

  r.post('/add-device', requireOperator, async (req, res) => {
    const values = formValues(req.body as Record<string, unknown>);
    const parsed = parseNewDevice(values);
    if (!parsed.ok) return showAddForm(req, res, values, parsed.errors, 422);
    const input = parsed.value;
    if (field(req, 'verify') === 'on') {
      const transport = input.transport ?? (input.platform.toLowerCase() === 'eos' ? 'eos-cli' : 'netconf');
      const port = input.port ?? (transport === 'netconf' ? 830 : 22);
      const probe = await ui.probe.probe({ hostname: input.hostname, host: input.managementIp, port, platform: input.platform, transport });
      if (!probe.reachable) return showAddForm(req, res, values, { managementIp: `could not verify over SSH: ${probe.error}` }, 422);
      if (probe.hostname.toLowerCase() !== input.hostname.toLowerCase()) {
        return showAddForm(req, res, values, { hostname: `the device at ${input.managementIp}:${port} says its hostname is '${probe.hostname}'` }, 422);
      }
    }
    try {
      const device = await ui.inventory.create(input, uiActor(req));
      res.redirect(303, path(device.hostname));
    } catch (err) {
      if (isNetsyncError(err) && err.code === 'CONFLICT') return showAddForm(req, res, values, { hostname: err.message }, 409);
      throw err;
    }
  });
}

/** The device page and its actions: sync, diff, state, mark unsynchronized. */
function deviceRoutes(r: Router, ui: Ui): void {
  r.get('/devices/:hostname', async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    const events = (await ui.inventory.events(device.hostname)).reverse();
    ui.page(req, res, 'device.njk', { device, events, intended: await intended(ui, device), states: DEVICE_STATES });
  });

  r.post('/devices/:hostname/sync', requireOperator, async (req, res) => {
    const mode = field(req, 'mode');
    if (!['dry-run', 'sync', 'force'].includes(mode)) throw new NetsyncError('VALIDATION_FAILED', `unknown sync mode '${mode}' (dry-run, sync, force)`);
    const device = await ui.inventory.get(hostnameParam(req));
    const job = await ui.syncto.start({
      target: { kind: 'hostname', hostname: device.hostname },
      dryRun: mode === 'dry-run',
      resync: true,
      force: mode === 'force',
      flags: {},
      by: uiActor(req),
    });
    res.redirect(303, `/jobs/${job.id}`);
  });

  r.post('/devices/:hostname/diff', requireOperator, async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    const started = await ui.syncto.start({
      target: { kind: 'hostname', hostname: device.hostname },
      dryRun: true,
      resync: true,
      force: false,
      flags: {},
      by: uiActor(req),
      comment: 'show diff',
    });
    if (!req.get('hx-request')) return res.redirect(303, `/jobs/${started.id}`);
    const timeout = delay(DIFF_WAIT_MS, undefined, { ref: false });
    const job = (await Promise.race([ui.jobs.wait(started.id), timeout])) ?? (await ui.jobs.get(started.id));
    const result = job.perDevice[device.hostname];
    ui.page(req, res, 'device-diff.njk', { device, job, result, finished: isFinished(job.status) });
  });

  r.post('/devices/:hostname/state', requireOperator, async (req, res) => {
    const state = field(req, 'state');
    if (state !== 'MANAGED' && state !== 'UNMANAGED') throw new NetsyncError('VALIDATION_FAILED', `state must be MANAGED or UNMANAGED, not '${state}'`);
    const device = await ui.inventory.update(hostnameParam(req), { state }, uiActor(req));
    res.redirect(303, path(device.hostname));
  });

  r.post('/devices/:hostname/unsync', requireOperator, async (req, res) => {
    const reason = field(req, 'reason').trim();
    if (!reason || reason.length > 500) throw new NetsyncError('VALIDATION_FAILED', 'give a reason (1-500 characters) for marking the device unsynchronized');
    const device = await ui.inventory.manualUnsync(hostnameParam(req), reason, uiActor(req));
    res.redirect(303, path(device.hostname));
  });
}

/** Editing and deleting a device. */
function editDeviceRoutes(r: Router, ui: Ui): void {
  const showEditForm = async (req: Request, res: Response, device: Device, values: DeviceFormValues, errors: FieldErrors = {}, status = 200) =>
    ui.page(req, res, 'device-edit.njk', { device, values, errors, ...formChoices(ui) }, status);

  r.get('/devices/:hostname/edit', requireOperator, async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    await showEditForm(req, res, device, valuesOf(device));
  });

  r.post('/devices/:hostname/edit', requireOperator, async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    const values = { ...formValues(req.body as Record<string, unknown>), hostname: device.hostname, state: device.state };
    const parsed = parseDeviceEdit(values);
    if (!parsed.ok) return showEditForm(req, res, device, values, parsed.errors, 422);
    await ui.inventory.update(device.hostname, parsed.value, uiActor(req));
    res.redirect(303, path(device.hostname));
  });

  r.get('/devices/:hostname/delete', requireOperator, async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    ui.page(req, res, 'device-delete.njk', { device, sources: otherSystems(ui) });
  });

  r.post('/devices/:hostname/delete', requireOperator, async (req, res) => {
    const device = await ui.inventory.get(hostnameParam(req));
    if (field(req, 'confirm') !== device.hostname) {
      ui.page(req, res, 'device-delete.njk', { device, sources: otherSystems(ui), error: `type the hostname '${device.hostname}' to confirm` }, 422);
      return;
    }
    await ui.inventory.remove(device.hostname);
    res.redirect(303, `/devices?deleted=${encodeURIComponent(device.hostname)}`);
  });
}
