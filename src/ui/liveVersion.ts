/**
 * Short digests of what a live page shows, rendered into the page and sent back when its event stream
 * connects (`?since=`): a change between rendering the page and the stream's start is then told at once
 * instead of being taken as the starting point and lost.
 */
import { createHash } from 'node:crypto';
import type { Device } from '../model/device.ts';
import type { Job } from '../model/job.ts';

const VERSION = /^[A-Za-z0-9_-]{1,64}$/;

/** A short, URL-safe digest of a page's data. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Changes whenever a device is added, removed or updated (every update moves `updatedAt`). */
export function inventoryVersion(devices: readonly Readonly<Device>[]): string {
  return digest(devices.map((d) => `${d.hostname}|${d.state}|${d.synchronized}|${d.updatedAt}`).join('\n'));
}

/** Changes whenever the job's status, progress or a device's result changes. */
export function jobVersion(job: Job): string {
  return digest(JSON.stringify([job.status, job.progress, job.perDevice]));
}

/** Changes whenever a job in the list starts, moves on or ends. */
export function jobListVersion(jobs: readonly Job[]): string {
  return digest(JSON.stringify(jobs.map((j) => [j.id, j.status, j.progress])));
}

/** A `since` query parameter as a version, or undefined when absent or malformed. */
export function parseVersion(value: unknown): string | undefined {
  return typeof value === 'string' && VERSION.test(value) ? value : undefined;
}
