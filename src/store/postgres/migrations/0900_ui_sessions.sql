-- Up Migration
-- The web interface's sign-in sessions, shared by every replica so a browser may reach any of them (the table
-- connect-pg-simple reads and writes), and the secret their cookies are signed with: made once, by the first
-- replica that needs it, and the same for all.
CREATE TABLE netsync_ui_sessions (
  sid varchar NOT NULL PRIMARY KEY,
  sess json NOT NULL,
  expire timestamp(6) NOT NULL
);
CREATE INDEX netsync_ui_sessions_expire ON netsync_ui_sessions (expire);
CREATE TABLE netsync_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);

-- Down Migration
DROP TABLE netsync_secrets;
DROP TABLE netsync_ui_sessions;
