-- Up Migration
-- Records get revisions as devices have (0100_store.sql): a process keeps the records it has read and fetches
-- again only rows whose revision is above what it has seen, so listing 500 jobs with their diffs moves only the
-- jobs that changed.
CREATE SEQUENCE record_revs;
ALTER TABLE records ADD COLUMN rev bigint NOT NULL DEFAULT nextval('record_revs');
CREATE INDEX records_rev ON records (collection, rev);
-- Any UPDATE takes a new revision, also one made by hand in psql.
CREATE FUNCTION records_next_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.rev := nextval('record_revs');
  RETURN NEW;
END $$;
CREATE TRIGGER records_rev BEFORE UPDATE ON records FOR EACH ROW EXECUTE FUNCTION records_next_rev();

-- Down Migration
DROP TRIGGER records_rev ON records;
DROP FUNCTION records_next_rev();
DROP INDEX records_rev;
ALTER TABLE records DROP COLUMN rev;
DROP SEQUENCE record_revs;
