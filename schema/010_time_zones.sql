-- 010_time_zones.sql - the time zone of each market and donor center (an
-- IANA name, checked by the registry service through ICU), and local_date(),
-- the calendar day of a UTC time in a zone, for the statements whose day
-- boundaries are a center's (docs/DESIGN.md, "Time").
--
-- Times stay stored in UTC. Markets and centers on record take
-- America/Los_Angeles, the zone of the first markets; nothing on record
-- tells a western market from an eastern one, so the others are set
-- through the registry (`bloodops market edit NY --time-zone
-- America/New_York`, as tools/load-demo.sh does for its eastern markets).
ALTER TABLE markets ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Los_Angeles';
ALTER TABLE centers ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Los_Angeles';

-- local_date(zone, instant [, days]): the date ('YYYY-MM-DD') that the
-- clocks of `zone` show at the UTC time `instant` ('2004-03-10T06:30:00Z'),
-- `days` days later. SQLite has it from the program (store/sqlite.c, through
-- base/local_time.h and ICU); PostgreSQL from its own copy of the IANA
-- database.
-- backend: postgres
CREATE FUNCTION local_date(zone_name TEXT, instant TEXT, days INTEGER DEFAULT 0)
RETURNS TEXT LANGUAGE sql STABLE STRICT AS $$
SELECT to_char(CAST(CAST($2 AS timestamptz) AT TIME ZONE $1 AS date) + CAST($3 AS INT), 'YYYY-MM-DD')
$$;
-- backend: all
