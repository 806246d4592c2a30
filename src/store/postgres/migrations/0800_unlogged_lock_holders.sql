-- Up Migration
-- A lock holder row describes a live session: after a crash of the server every session is gone, and so are the
-- rows of an unlogged table. Unlogged, writing one (once per transaction, job or bounce) costs no WAL flush.
ALTER TABLE netsync_lock_holders SET UNLOGGED;

-- Down Migration
ALTER TABLE netsync_lock_holders SET LOGGED;
