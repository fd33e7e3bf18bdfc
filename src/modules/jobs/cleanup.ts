import type { EntityManager } from '@mikro-orm/postgresql';
import { Job } from './job.entity';
import type { JobHandler } from './worker';

export const CLEANUP = 'maintenance.cleanup';

/** One kind of expired data the scheduled cleanup deletes; returns how many rows went. */
export interface CleanupTask {
  name: string;
  run(em: EntityManager, now: Date): Promise<number>;
}

/**
 * The scheduled cleanup (every JOBS_CLEANUP_INTERVAL_MS): runs every task in turn. A task that
 * fails does not keep the others from running; the job then fails (and is retried) naming it.
 */
export function cleanupHandler(tasks: readonly CleanupTask[]): JobHandler {
  return {
    name: CLEANUP,
    async run(_payload, { em, now, logger }) {
      const failures: string[] = [];
      for (const task of tasks) {
        try {
          const removed = await task.run(em.fork(), now);
          logger.info({ task: task.name, removed }, 'cleanup task done');
        } catch (error) {
          logger.error({ task: task.name, err: error }, 'cleanup task failed');
          failures.push(`${task.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(`cleanup tasks failed: ${failures.join('; ')}`);
    },
  };
}

const DAY_MS = 86_400_000;

/** Jobs that finished (done) more than `retentionDays` ago. Dead letters stay for `jobs:retry`. */
export function finishedJobsCleanup(retentionDays: number): CleanupTask {
  return {
    name: 'finished jobs',
    run: (em, now) => em.getRepository(Job).deleteFinished('done', new Date(now.getTime() - retentionDays * DAY_MS)),
  };
}
