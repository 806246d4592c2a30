/**
 * Entry of a render process (workerPool.ts forks it): the sandbox's second wall. The process starts with an
 * empty environment (no tokens, device logins or webhook secrets) and a capped heap, so a template that
 * exhausts memory kills this process alone. It takes one task at a time from the IPC channel (render a batch
 * of devices, or parse a commit for the daemon), reports which device it is on (the parent's watchdog stops it
 * at the time budget) and answers with the results.
 */
import { parseCommit, PARSING, renderBatch } from './renderBatch.ts';
import type { ProcessMessage, TaskMessage } from './workerProtocol.ts';

function send(message: ProcessMessage): void {
  process.send!(message);
}

process.on('message', (message: TaskMessage) => {
  const progress = (device: number, at: number) => send({ progress: [device, at] });
  if ('parse' in message) {
    progress(PARSING, Date.now());
    send({ reply: parseCommit(message.parse) });
  } else send({ reply: renderBatch(message.task, progress) });
});
// The parent gone (daemon stopped or crashed): nothing left to render for.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
