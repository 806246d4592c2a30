/** Unified diff of one device's config between base and head, secrets masked, with +/- line counts. */
import { formatPatch } from 'diff';
import { tooLargeNote } from '../render/configDiff.ts';
import type { ConfigDiffer } from '../render/configDiff.ts';
import { MASK, maskSecretShapes } from './maskSecrets.ts';

export interface DeviceDiff {
  diff: string;
  added: number;
  removed: number;
  /** The raw configs differ but the masked ones do not: only secret values changed. */
  secretsChanged: boolean;
}

/**
 * `before`/`after` are the renderer's `masked` texts (secret values already hidden); `rawDiffers` says
 * whether the real configs differ (by hash), so a change hidden entirely by masking is still reported.
 * The diff runs where `differ` runs it (the render processes in the daemon), under its budget.
 */
export async function deviceDiff(
  differ: ConfigDiffer,
  hostname: string,
  before: string,
  after: string,
  labels: { base: string; head: string },
  rawDiffers = before !== after,
): Promise<DeviceDiff> {
  const maskedBefore = maskSecretShapes(before);
  const maskedAfter = maskSecretShapes(after);
  const patch = await differ.structuredPatch({
    oldName: `a/${hostname}`,
    newName: `b/${hostname}`,
    a: withNewline(maskedBefore),
    b: withNewline(maskedAfter),
    labels,
  });
  if (!patch) {
    // Out of time: say so, and count every line as changed (an upper bound).
    return {
      diff: tooLargeNote(maskedBefore, maskedAfter, differ.timeoutMs),
      added: maskedAfter.split('\n').length,
      removed: maskedBefore.split('\n').length,
      secretsChanged: false,
    };
  }
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added += 1;
      else if (line.startsWith('-')) removed += 1;
    }
  }
  const diff = patch.hunks.length > 0 ? formatPatch(patch).replace(/^=+\n/, '') : '';
  const hiddenChange = rawDiffers && patch.hunks.length === 0;
  return { diff, added, removed, secretsChanged: hiddenChange || secretValuesDiffer(before, maskedBefore, after, maskedAfter) };
}

/** A masked line present on both sides whose raw text differs: a secret changed where the diff cannot show it. */
function secretValuesDiffer(before: string, maskedBefore: string, after: string, maskedAfter: string): boolean {
  if (before === after) return false;
  const rawBefore = before.split('\n');
  const hidden = new Map<string, string>();
  maskedBefore.split('\n').forEach((line, i) => {
    if (line.includes(MASK)) hidden.set(line, rawBefore[i] ?? '');
  });
  const rawAfter = after.split('\n');
  return maskedAfter.split('\n').some((line, i) => hidden.has(line) && hidden.get(line) !== rawAfter[i]);
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
