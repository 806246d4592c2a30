/**
 * Limits on what a push may hand netsync to parse (docs/design/architecture.md §11): files and repos have a size cap, YAML a cap
 * on alias expansion (billion laughs) and on nesting depth, checked before the parser runs where the text
 * allows it, because parsing is where a hostile file costs seconds and gigabytes. Over a limit, the file is
 * not parsed and a problem names the file and the limit (and its netsync.yml key): the push is rejected
 * like invalid settings, and the last known-good commit stays in force.
 */
export interface InputLimits {
  /** Largest settings or templates file, in bytes. */
  fileBytes: number;
  /** Largest repo snapshot (all files of one commit), in bytes. */
  repoBytes: number;
  /** YAML aliases (`*name`) one file may use (the `yaml` package's maxAliasCount). */
  yamlAliases: number;
  /** Deepest nesting of mappings and lists in one YAML file. */
  yamlDepth: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  fileBytes: 1024 * 1024,
  repoBytes: 64 * 1024 * 1024,
  yamlAliases: 100,
  yamlDepth: 64,
};

/** The netsync.yml key of each limit, named in every problem so the reader knows what to raise. */
export const LIMIT_KEYS: Record<keyof InputLimits, string> = {
  fileBytes: 'repos.limits.fileSize',
  repoBytes: 'repos.limits.repoSize',
  yamlAliases: 'repos.limits.yamlAliases',
  yamlDepth: 'repos.limits.yamlDepth',
};

// eslint-disable-next-line no-control-regex -- NUL bytes make the marker one no text file holds by accident
const MARKER = /^\u0000netsync:too-large:(\d+)\u0000$/;

/**
 * What a reader puts in a snapshot for a file it did not read because it is over the size limit (the
 * snapshot maps path -> text); the parsers report it. A file that merely looks like this is reported too.
 */
export function tooLargeMarker(bytes: number): string {
  return `\u0000netsync:too-large:${bytes}\u0000`;
}

/** The size of a file's text in bytes (what git stored), or of the file the marker stands for. */
export function fileBytes(text: string): number {
  const m = text.length < 64 ? MARKER.exec(text) : null;
  return m ? Number(m[1]) : Buffer.byteLength(text, 'utf8');
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${n} bytes`;
}

/** Why a file may not be parsed, or undefined. */
export function fileSizeProblem(text: string, limits: InputLimits): string | undefined {
  const size = fileBytes(text);
  if (size <= limits.fileBytes) return undefined;
  return `file is ${formatBytes(size)}, over the file size limit of ${formatBytes(limits.fileBytes)} (${LIMIT_KEYS.fileBytes})`;
}

/** Why a whole snapshot may not be parsed, or undefined. */
export function repoSizeProblem(files: Map<string, string>, limits: InputLimits): string | undefined {
  let total = 0;
  for (const text of files.values()) total += fileBytes(text);
  if (total <= limits.repoBytes) return undefined;
  return `the repo holds ${formatBytes(total)} in ${files.size} files, over the repo size limit of ${formatBytes(limits.repoBytes)} (${LIMIT_KEYS.repoBytes})`;
}

/**
 * The nesting depth of a YAML text, estimated without parsing (the parser recurses once per level and
 * takes seconds to run out of stack on a few kilobytes of `[[[[...`): flow brackets outside quotes and
 * comments, plus block levels (each deeper indentation of a key or list item). Block scalars and quoted
 * text are skipped well enough for a limit meant to be far above any real settings file.
 */
export function yamlDepth(text: string): number {
  let max = 0;
  const indents: number[] = [];
  let blockScalarIndent = -1;
  // Flow collections and quoted scalars may span lines.
  let flow = 0;
  let quote = '';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const content = line.trimStart();
    const indent = line.length - content.length;
    let dashes = 0;
    if (flow === 0 && !quote) {
      if (content === '' || content.startsWith('#')) continue;
      if (blockScalarIndent >= 0) {
        if (indent > blockScalarIndent) continue;
        blockScalarIndent = -1;
      }
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - x" nests one level per dash.
      dashes = /^(?:-\s+)+/.exec(content)?.[0].replace(/\s+/g, '').length ?? 0;
    }
    let lineMax = flow;
    let prev = ' ';
    for (let i = 0; i < content.length; i++) {
      const c = content[i]!;
      if (quote) {
        if (c === quote) quote = '';
        prev = c;
        continue;
      }
      // A quote opens a quoted scalar only where a scalar starts (not in "it's").
      if ((c === '"' || c === "'") && /[\s:,[{-]/.test(prev)) quote = c;
      else if (c === '#' && /\s/.test(prev)) break;
      else if (c === '[' || c === '{') lineMax = Math.max(lineMax, ++flow);
      else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
      if (c !== ' ') prev = c;
      else prev = ' ';
    }
    max = Math.max(max, indents.length + dashes + lineMax);
    if (flow === 0 && !quote && /[|>][+-]?\d*\s*(#.*)?$/.test(content)) blockScalarIndent = indent;
  }
  return max;
}

/** Why a YAML text may not be parsed for its depth, or undefined. */
export function yamlDepthProblem(text: string, limits: InputLimits): string | undefined {
  const depth = yamlDepth(text);
  if (depth <= limits.yamlDepth) return undefined;
  return `YAML nested ${depth} levels deep, over the nesting limit of ${limits.yamlDepth} (${LIMIT_KEYS.yamlDepth})`;
}

/** A parse error from the `yaml` package's alias cap, told in terms of the limit. */
export function aliasProblem(err: Error, limits: InputLimits): string | undefined {
  if (!/Excessive alias count/i.test(err.message)) return undefined;
  return `YAML expands aliases more than the limit of ${limits.yamlAliases} allows (${LIMIT_KEYS.yamlAliases}; a "billion laughs" file)`;
}
