/**
 * Entry of a render process (workerPool.ts forks it): the sandbox's second wall. The process starts with an
 * empty environment (no tokens, device logins or webhook secrets) and a capped heap, so a template that
 * exhausts memory kills this process alone. It takes one task at a time from the IPC channel, reports which
 * device it is on (the parent's watchdog stops it at the time budget) and answers with the results.
 */
import { renderBatch } from './renderBatch.ts';
import type { ProcessMessage, TaskMessage } from './workerProtocol.ts';

function send(message: ProcessMessage): void {
  process.send!(message);
}

process.on('message', (message: TaskMessage) => {
  send({ reply: renderBatch(message.task, (device, at) => send({ progress: [device, at] })) });
});
// The parent gone (daemon stopped or crashed): nothing left to render for.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
