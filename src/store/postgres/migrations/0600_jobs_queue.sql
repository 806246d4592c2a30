-- Up Migration
-- syncto jobs accepted by any replica, waiting for one to run them (src/postgres/pgJobQueue.ts): a replica
-- claims the oldest waiting row with FOR UPDATE SKIP LOCKED, so each job is claimed exactly once, and a job
-- whose accepting replica died before starting it is run by another.
CREATE TABLE netsync_job_queue (
  id text PRIMARY KEY,
  enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  claimed_by text,
  claimed_at timestamptz
);
CREATE INDEX netsync_job_queue_waiting ON netsync_job_queue (enqueued_at) WHERE claimed_by IS NULL;

-- Down Migration
DROP TABLE netsync_job_queue;
