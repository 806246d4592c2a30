-- Up Migration
-- The Store contract (src/store/store.ts) on PostgreSQL. Rows hold the same JSON a lowdb store file does; the
-- columns beside them serve lookups (case-insensitive hostname keys) and the history's retention. Migrations
-- are numbered in hundreds (0100, 0200, ...): each module takes its own; a released number is never reused,
-- and a new migration takes a number above every released one (they run in order, checked).

-- Every device write takes a new revision (under the store's write lock, so revisions grow in commit order): a
-- process keeps the devices it has read and fetches again only rows whose revision is above what it has seen.
CREATE SEQUENCE device_revs;
CREATE TABLE devices (
  key text PRIMARY KEY,                -- lower(hostname): hostnames are case-insensitive
  position bigint GENERATED ALWAYS AS IDENTITY, -- lists come in the order devices were added
  hostname text NOT NULL,
  data jsonb NOT NULL,
  rev bigint NOT NULL DEFAULT nextval('device_revs'),
  synchronized boolean GENERATED ALWAYS AS ((data ->> 'synchronized')::boolean) STORED
);
CREATE INDEX devices_unsynchronized ON devices (key) WHERE NOT synchronized;
CREATE INDEX devices_rev ON devices (rev);
-- Any UPDATE takes a new revision, also one made by hand in psql.
CREATE FUNCTION devices_next_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.rev := nextval('device_revs');
  RETURN NEW;
END $$;
CREATE TRIGGER devices_rev BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION devices_next_rev();

CREATE SEQUENCE sync_event_ids;
CREATE TABLE sync_events (
  id bigint PRIMARY KEY,               -- from sync_event_ids, taken under the store's write lock: ascending = oldest first
  key text NOT NULL,                   -- lower(hostname); the history outlives the device
  data jsonb NOT NULL,                 -- the event without id and clearedAt
  cleared_at text                      -- NULL while open
);
CREATE INDEX sync_events_by_key ON sync_events (key, id);
CREATE INDEX sync_events_open ON sync_events (key) WHERE cleared_at IS NULL;

CREATE TABLE records (
  collection text NOT NULL,
  id text NOT NULL,
  position bigint GENERATED ALWAYS AS IDENTITY, -- lists come in the order records were added
  data jsonb NOT NULL,
  PRIMARY KEY (collection, id)
);

CREATE TABLE meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

-- Who holds each per-device transaction lock (the lock itself is a session advisory lock; a row whose
-- backend is gone is stale and ignored).
CREATE TABLE device_locks (
  key text PRIMARY KEY,
  owner text NOT NULL,
  backend_pid integer NOT NULL,
  since timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE device_locks;
DROP TABLE meta;
DROP TABLE records;
DROP TABLE sync_events;
DROP SEQUENCE sync_event_ids;
DROP TABLE devices;
DROP FUNCTION devices_next_rev();
DROP SEQUENCE device_revs;
