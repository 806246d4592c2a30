-- Up Migration
-- Several netsync replicas on one database (issue #15, DESIGN §10): replica presence and the leader,
-- who holds each device lock, webhook delivery dedupe, and claims on shared work (repo refreshes).

CREATE TABLE netsync_replicas (
  id text PRIMARY KEY,
  -- The replica's presence connection: alive exactly while this backend is (pg_stat_activity).
  backend_pid integer NOT NULL,
  backend_start timestamptz NOT NULL,
  started_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  leader_since timestamptz,
  takeover_ms integer,
  previous_leader text
);

-- One row: the current (or last) leader and its heartbeat.
CREATE TABLE netsync_leader (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  replica text NOT NULL,
  since timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL
);

-- Written by each device-lock connection about itself; joined with pg_locks to name a lock's holder.
CREATE TABLE netsync_lock_holders (
  backend_pid integer PRIMARY KEY,
  replica text NOT NULL,
  owner text NOT NULL,
  since timestamptz NOT NULL
);

CREATE TABLE netsync_webhook_deliveries (
  provider text NOT NULL,
  delivery_id text NOT NULL,
  replica text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, delivery_id)
);
CREATE INDEX netsync_webhook_deliveries_received_at ON netsync_webhook_deliveries (received_at);

CREATE TABLE netsync_work_claims (
  key text PRIMARY KEY,
  replica text,
  claimed_at timestamptz,
  released_at timestamptz
);

-- Down Migration
DROP TABLE netsync_work_claims;
DROP TABLE netsync_webhook_deliveries;
DROP TABLE netsync_lock_holders;
DROP TABLE netsync_leader;
DROP TABLE netsync_replicas;
