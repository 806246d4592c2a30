/**
 * Runs the alarm sweep on its cron until the job scheduler takes it over
 * (src/jobs/scheduler.ts). noOverlap: a slow sweep is never stacked on itself.
 */
import { createTask } from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from '../model/ports.ts';

export class AlarmSweeper {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly cron: string,
    private readonly sweep: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.task) return;
    this.task = createTask(
      this.cron,
      async () => {
        try {
          await this.sweep();
        } catch (err) {
          this.logger.error({ err }, 'alarm sweep failed');
        }
      },
      { name: 'alarm-sweep', noOverlap: true },
    );
    void this.task.start();
    this.logger.info({ cron: this.cron }, 'alarm sweep scheduled');
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = undefined;
    if (task) await task.destroy();
  }
}
