-- Up Migration
-- Devices of a type or a group without reading every device (a change under a type or group folder of the
-- settings repo asks for just those). The keys are generated from each row's data, so a hand edit in psql keeps
-- them right too. Only printable-ASCII names are folded, by translate() rather than upper()/lower(), so the
-- database's locale plays no part and the folding is JavaScript's; any other name (or a damaged row) is filed
-- under '*', which every filtered read takes as well. netsync checks each device it reads against the filter
-- again, so a filtered read is never short of a device and never holds one too many.
CREATE FUNCTION netsync_type_key(data jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN data ->> 'type' ~ '^[ -~]*$'
    THEN translate(data ->> 'type', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
    ELSE '*' END
$$;
CREATE FUNCTION netsync_group_keys(data jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(data -> 'groups') = 'array'
    THEN ARRAY(
      SELECT CASE WHEN g ~ '^[ -~]*$' THEN translate(g, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE '*' END
      FROM jsonb_array_elements_text(data -> 'groups') AS g)
    ELSE ARRAY['*'] END
$$;
ALTER TABLE devices
  ADD COLUMN type_key text GENERATED ALWAYS AS (netsync_type_key(data)) STORED,
  ADD COLUMN group_keys text[] GENERATED ALWAYS AS (netsync_group_keys(data)) STORED;
CREATE INDEX devices_by_type ON devices (type_key);
CREATE INDEX devices_by_group ON devices USING gin (group_keys);

-- Down Migration
ALTER TABLE devices DROP COLUMN type_key, DROP COLUMN group_keys;
DROP FUNCTION netsync_group_keys(jsonb);
DROP FUNCTION netsync_type_key(jsonb);
