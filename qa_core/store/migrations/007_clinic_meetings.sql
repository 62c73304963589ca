-- 007: the clinic as the assistant director runs it: recorded SPC process changes, commentary
-- kept with its history, and the record of each clinic meeting. No foreign keys: the writers
-- (qa_core.views and the importer) check codes and services first and refuse with a sentence,
-- and DuckDB cannot update a referenced row in the transaction that also writes its references.

-- A recorded process change (a new service model, a restructure): SPC limits for the measure
-- are recalculated from this month on, on a new baseline (docs/domain.md, "Baselines and
-- process changes"). A council-level change (org_level 'la', org_id 'la') applies to the
-- council's series and to every service's.
CREATE TABLE spc_process_change (
    code        VARCHAR NOT NULL,          -- indicator.code
    org_level   VARCHAR NOT NULL CHECK (org_level IN ('la', 'service')),
    org_id      VARCHAR NOT NULL,          -- service.service_id, or 'la'
    month       DATE NOT NULL,             -- the first month of the new baseline
    reason      VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (code, org_level, org_id, month)
);

-- Every version of every commentary, oldest first; the `commentary` table (001) holds the
-- current one. An edit adds a row here and replaces the current row: nothing is lost. edit_id
-- is numbered by the writer (one more than the highest held), not by a sequence, so a store
-- rebuilt by copying its tables keeps numbering on.
CREATE TABLE commentary_edit (
    edit_id    BIGINT PRIMARY KEY,
    code       VARCHAR NOT NULL,
    period     DATE NOT NULL,
    org_level  VARCHAR NOT NULL,           -- 'la', 'service', 'team'
    org_id     VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    author     VARCHAR,
    written_at TIMESTAMP NOT NULL,
    source     VARCHAR NOT NULL            -- 'app', 'import', 'demo', 'before history'
);

-- Commentary held before this migration becomes the first version of its history.
INSERT INTO commentary_edit (edit_id, code, period, org_level, org_id, text, author, written_at, source)
SELECT row_number() OVER (ORDER BY updated_at, code, period, org_level, org_id), code, period, org_level, org_id,
       text, author, updated_at, 'before history'
FROM commentary;

-- A clinic meeting: one per service and month under review. The actions agreed at it are the
-- service's clinic_action rows for the same clinic_month.
CREATE TABLE clinic_meeting (
    service_id   VARCHAR NOT NULL,
    clinic_month DATE NOT NULL,            -- the month whose figures the clinic reviewed
    meeting_date DATE NOT NULL,
    chair        VARCHAR NOT NULL,
    recorded_by  VARCHAR,
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (service_id, clinic_month)
);

-- Who attended, who sent apologies, and the decisions, in the order given.
CREATE TABLE clinic_meeting_item (
    service_id   VARCHAR NOT NULL,
    clinic_month DATE NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('attendee', 'apology', 'decision')),
    seq          INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    PRIMARY KEY (service_id, clinic_month, kind, seq)
);
