/** Human-readable output helpers shared by CLI commands. */

/** 5400 s -> "1h 30m"; 42 s -> "42s"; 3 days -> "3d 0h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A commit or job id as people quote it: the first 8 characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "Jane Doe <jane@example.net>" -> "Jane Doe"; "job:<uuid>" -> "job:1a2b3c4d"; anything else as it is. */
export function shortActor(by: string): string {
  const job = /^job:([0-9a-f-]{8,})$/i.exec(by);
  if (job) return `job:${shortId(job[1]!)}`;
  return by.replace(/\s*<[^>]*>\s*$/, '') || by;
}
