-- Up Migration
-- The store's own per-device lock rows are gone: device locks are the replicas' advisory locks on 64-bit
-- keys, whose holders are rows of netsync_lock_holders (0500_cluster.sql).
DROP TABLE device_locks;

-- Down Migration
CREATE TABLE device_locks (
  key text PRIMARY KEY,
  owner text NOT NULL,
  backend_pid integer NOT NULL,
  since timestamptz NOT NULL DEFAULT now()
);
