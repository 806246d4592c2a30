/** Reads netsync.yml: YAML -> ${ENV} interpolation -> schema validation, with errors that name the key. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { NetsyncError } from '../model/errors.ts';
import type { NetsyncConfig } from './schema.ts';
import { configSchema } from './schema.ts';

export interface LoadedConfig {
  config: NetsyncConfig;
  /** Folder relative paths in the config are resolved against. */
  baseDir: string;
  resolvePath(path: string): string;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces ${NAME} and ${NAME:-default} in every string value; a missing variable names the key that wanted it. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new NetsyncError('CONFIG_INVALID', `config key '${path.join('.')}' refers to environment variable ${name}, which is not set`, {
        key: path.join('.'),
        variable: name,
      });
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k])]));
  }
  return value;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): NetsyncConfig {
  const result = configSchema.safeParse(interpolateEnv(raw ?? {}, env));
  if (!result.success) throw configError(result.error);
  return result.data;
}

function configError(error: z.ZodError): NetsyncError {
  const problems = error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
      return `unknown key ${issue.keys.map((k) => `'${prefix}${k}'`).join(', ')}`;
    }
    return `'${key}': ${issue.message}`;
  });
  return new NetsyncError('CONFIG_INVALID', `invalid netsync config: ${problems.join('; ')}`, { problems });
}

export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let raw: unknown = {};
  let baseDir = process.cwd();
  if (file) {
    const path = resolve(file);
    baseDir = dirname(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new NetsyncError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`, { path });
    }
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new NetsyncError('CONFIG_INVALID', `config file ${path} is not valid YAML: ${(err as Error).message}`, { path });
    }
  }
  const config = parseConfig(raw, env);
  return { config, baseDir, resolvePath: (p) => (isAbsolute(p) ? p : resolve(baseDir, p)) };
}
