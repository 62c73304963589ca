-- 011: audits without DuckDB's primary key on audit_id and without their references (to team and
-- service, and audit_action's to audit); same columns, same order, same NOT NULLs and checks.
--
-- Why (issue 14, the import budget): DuckDB keeps a primary key or a reference as an ART index
-- and checks it row by row. Importing 1,000,000 audits, the key and the two references took about
-- 1.6 of the insert's 2.8 processor-seconds, and they made the insert and the commit run on one
-- core: the insert held the main thread for about 1.5 s and the commit (which merges the new keys
-- into the table's index) for about 0.7 s more, where the same rows without them go in on both
-- cores in about 0.6 s and commit at once. The key also made the file 40 MB larger (a serialised
-- index of a million ids).
--
-- What they guaranteed is still true, kept by the only writers of these tables, the importer and
-- the demo builder (tests/unit/test_import_load.py checks it after imports that add, correct, move
-- and remove audits):
-- * each audit_id is held once: an audits file with an id twice is refused, and an import updates
--   the held row of an id instead of adding a second one;
-- * an audit's team and service are held: the importer reads them from the store's organisation,
--   and the organisation's imports refuse to remove or move a team or service audits are held for;
-- * an action's audit is held: the actions import refuses an audit the store does not hold, and an
--   audits import never removes (or moves) an audit with actions.
-- DuckDB also refuses, within one transaction, to delete or re-key a row that others refer to;
-- the importer's checks above already keep away from that, so nothing it does changes.

CREATE TABLE audit_action_011 AS SELECT * FROM audit_action;
CREATE TABLE audit_011 AS SELECT * FROM audit;
DROP TABLE audit_action;
DROP TABLE audit;

CREATE TABLE audit (
    audit_id        VARCHAR NOT NULL,      -- unique: kept so by the importer (above)
    audit_date      DATE NOT NULL,
    tier            VARCHAR NOT NULL,      -- 'tier1', 'tier2', 'thematic', 'supervision'
    tool            VARCHAR,               -- the tool's id or name (audit_tool), as the audits file gave it
    case_ref        VARCHAR,
    team_id         VARCHAR NOT NULL,      -- a team (team.team_id)
    service_id      VARCHAR NOT NULL,      -- that team's service (service.service_id)
    auditor         VARCHAR NOT NULL,
    auditor_role    VARCHAR NOT NULL,
    auditor_service VARCHAR,
    overall_grade   TINYINT CHECK (overall_grade BETWEEN 1 AND 4),  -- empty only on a yes/no tool
    moderated_grade TINYINT CHECK (moderated_grade BETWEEN 1 AND 4),
    moderator       VARCHAR,
    auditor_id      VARCHAR,
    has_iro         BOOLEAN,               -- the case has an IRO or conference chair (blank: not recorded)
    theme           VARCHAR                -- a thematic audit's theme (blank: from the theme plan)
);
INSERT INTO audit SELECT * FROM audit_011;

CREATE TABLE audit_action (
    action_id      VARCHAR PRIMARY KEY,
    audit_id       VARCHAR NOT NULL,       -- an audit (audit.audit_id)
    description    VARCHAR NOT NULL,
    owner          VARCHAR,
    due_date       DATE,
    completed_date DATE
);
INSERT INTO audit_action SELECT * FROM audit_action_011;
DROP TABLE audit_011;
DROP TABLE audit_action_011;
