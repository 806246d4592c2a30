/**
 * Entry of a render process (workerPool.ts forks it): the sandbox's second wall. The process starts with an
 * empty environment (no tokens, device logins or webhook secrets) and a capped heap, so a template that
 * exhausts memory kills this process alone. It takes one task at a time from the IPC channel (render a batch
 * of devices, parse a commit or diff two configs for the daemon), reports which device it is on (the parent's watchdog stops it
 * at the time budget) and answers with the results.
 */
import { DIFFING, parseCommit, PARSING, renderBatch } from '../render/renderBatch.ts';
import { boundedStructuredPatch } from '../render/configDiff.ts';
import type { ProcessMessage, TaskMessage } from '../render/workerProtocol.ts';
import { DEFAULT_INPUT_LIMITS } from '../render/inputLimits.ts';

function send(message: ProcessMessage): void {
  process.send!(message);
}

process.on('message', (message: TaskMessage) => {
  const progress = (device: number, at: number) => send({ progress: [device, at] });
  if ('parse' in message) {
    progress(PARSING, Date.now());
    send({ reply: parseCommit(message.parse) });
  } else if ('diff' in message) {
    progress(DIFFING, Date.now());
    send({ reply: { patch: boundedStructuredPatch(message.diff, message.diff.timeoutMs) ?? null } });
  } else send({ reply: renderBatch(message.task, progress) });
});
// The parent gone (daemon stopped or crashed): nothing left to render for.
process.on('disconnect', () => process.exit(0));
// Warm up before saying ready: the first parse and render in a process compile the YAML, schema and template
// code paths, which is the process's start-up, not the time of the first template it is given.
renderBatch(
  {
    settings: { sha: 'warm-up', files: new Map([['global/warm-up.yml', 'vlans:\n  - { id: 1, name: warm }\n']]) },
    templates: {
      sha: 'warm-up',
      files: new Map([
        ['warm/mapping.yml', 'UP: { entrypoint: up.j2 }\n'],
        ['warm/up.j2', '{% for v in vlans %}vlan {{ v.id }}{% endfor %}\n'],
      ]),
    },
    devices: [{ hostname: 'warm-up', type: 'UP', platform: 'warm', groups: [] }],
    secrets: {},
    limits: DEFAULT_INPUT_LIMITS,
    maxOutputBytes: 1024,
  },
  () => undefined,
);
send({ ready: true });
