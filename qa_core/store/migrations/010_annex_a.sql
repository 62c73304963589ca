-- 010: children's records behind the Annex A measures (import kind annex_a), pseudonymised.
-- Numbered 010, well after the others, so migrations added on other branches (004 onwards) keep
-- their numbers; migrations run in number order and each runs once, so a gap is harmless.
--
-- Nothing here identifies a child outside this store's machine: `child` is a keyed hash of the
-- Child Unique ID (the key is a file beside the store, never in it), a date of birth is kept as its
-- month, and no name of a child is read at all. `worker` is a staff name: case-level detail, read
-- only through the viewer's case filter. No foreign keys: both tables are written only by the
-- annex_a import (and the demo), which checks every team first, and DuckDB refuses within one
-- transaction to delete a referenced row it has just deleted the references of, which a re-submission
-- must do (as for audit_area_grade in 002).

-- One row per child's record counted by any measure: a contact, a referral, an assessment, a
-- section 47 enquiry, a child protection plan, a period in care, a care leaver. `record_id` is a
-- hash of everything stored, so the same record loaded again is the same row.
CREATE TABLE annex_a_record (
    record_id   VARCHAR PRIMARY KEY,
    list_no     TINYINT NOT NULL CHECK (list_no BETWEEN 1 AND 11),
    child       VARCHAR NOT NULL,           -- keyed hash of the Child Unique ID
    birth_month DATE,                       -- first of the month of birth
    team_id     VARCHAR NOT NULL,           -- the Allocated Team (or the 'not allocated' bucket)
    worker      VARCHAR,                    -- Allocated Worker: case-level detail
    start_date  DATE,                       -- contact, referral, assessment start, strategy discussion, plan or care start
    end_date    DATE,                       -- assessment authorised, ICPC held, plan ended, ceased care
    review_date DATE,                       -- latest review (child protection conference, statutory review)
    answer      VARCHAR                     -- the coded answers the measures read, in words
);

-- Which records each number counts: one row per measure, month and record. A measure's value for a
-- team and month is the count of its rows (numerator: those with met = true), so the rows behind a
-- number are exactly the ones it was added up from.
CREATE TABLE annex_a_count (
    code         VARCHAR NOT NULL,          -- AA_... (indicator.code)
    period       DATE NOT NULL,             -- the month
    team_id      VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    met          BOOLEAN,                   -- counted in the numerator (NULL for a count measure)
    working_days INTEGER,                   -- the working days the timescale measured, where one applies
    PRIMARY KEY (code, period, record_id)
);

-- The days of each month the held Annex A figures were worked out from: the whole month, or (from a
-- workbook that covers no whole month) the part of it its contacts and referrals reach. A later workbook
-- replaces a month only when it covers at least those days, so part of a month never replaces the whole.
CREATE TABLE annex_a_month (
    period    DATE PRIMARY KEY,
    first_day DATE NOT NULL,
    last_day  DATE NOT NULL
);
