-- 008: the audit programme as the QA lead runs it (docs/domain.md, "The audit programme").
--
-- * audit is rebuilt with the same columns and checks, except that overall_grade may be empty: an
--   audit on a yes/no tool (the supervision file audit) reports compliance, not a grade. It gains
--   has_iro (the case has an IRO or conference chair, so a Requires Improvement grade is escalated
--   to them too) and theme (the theme of a thematic audit). DuckDB cannot drop a NOT NULL from a
--   table others refer to, so audit_action (which refers to it) is rebuilt around it, unchanged.
-- * audit_answer: the yes/no answers of an audit on a yes/no tool (as audit_area_grade holds the
--   graded areas; no foreign key, for the same reasons as 002 gives).
-- * audit_tool and audit_tool_item: the tools (generic 2A, PLO 2B, the Tier 2 tool, the supervision
--   tool, thematic tools), each with its areas or questions and how it grades (import audit_tools).
-- * audit_theme_plan: which theme is audited in which month, with which tool (import audit_themes).
-- * audit_target: the programme's numbers a council sets, each from a month (import audit_targets):
--   trained auditors and moderators wanted, and the time limits for escalation and remedial work.
-- * audit_escalation: who was told of an audit's grade, when, and who recorded it (the app, or
--   import audit_escalations).
-- * tier2_allocation: each head of service's randomly selected Tier 2 case for a month
--   (python -m qa_core select-tier2).
-- * staff gains auditor_from (trained as an auditor on) and moderator_from (became a moderator on).

CREATE TABLE audit_action_008 AS SELECT action_id, audit_id, description, owner, due_date, completed_date
FROM audit_action;
CREATE TABLE audit_008 AS SELECT audit_id, audit_date, tier, tool, case_ref, team_id, service_id, auditor,
    auditor_role, auditor_service, overall_grade, moderated_grade, moderator, auditor_id
FROM audit;
DROP TABLE audit_action;
DROP TABLE audit;

CREATE TABLE audit (
    audit_id        VARCHAR PRIMARY KEY,
    audit_date      DATE NOT NULL,
    tier            VARCHAR NOT NULL,      -- 'tier1', 'tier2', 'thematic', 'supervision'
    tool            VARCHAR,               -- the tool's id or name (audit_tool), as the audits file gave it
    case_ref        VARCHAR,
    team_id         VARCHAR NOT NULL REFERENCES team (team_id),
    service_id      VARCHAR NOT NULL REFERENCES service (service_id),
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
INSERT INTO audit (audit_id, audit_date, tier, tool, case_ref, team_id, service_id, auditor, auditor_role,
                   auditor_service, overall_grade, moderated_grade, moderator, auditor_id)
SELECT * FROM audit_008;

CREATE TABLE audit_action (
    action_id      VARCHAR PRIMARY KEY,
    audit_id       VARCHAR NOT NULL REFERENCES audit (audit_id),
    description    VARCHAR NOT NULL,
    owner          VARCHAR,
    due_date       DATE,
    completed_date DATE
);
INSERT INTO audit_action SELECT * FROM audit_action_008;
DROP TABLE audit_008;
DROP TABLE audit_action_008;

CREATE TABLE audit_answer (
    audit_id VARCHAR NOT NULL,
    item     VARCHAR NOT NULL,             -- the question, as the tool words it
    answer   BOOLEAN NOT NULL              -- yes (compliant) or no
);

CREATE TABLE audit_tool (
    tool_id    VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,           -- as audits files write it in their tool column (or the id)
    grading    VARCHAR NOT NULL CHECK (grading IN ('graded', 'yes_no')),
    tier       VARCHAR,                    -- the tier it is for, if one
    source     VARCHAR,                    -- where it comes from (e.g. 'QA framework, appendix 2A')
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_tool_item (
    tool_id VARCHAR NOT NULL,
    seq     INTEGER NOT NULL,
    item    VARCHAR NOT NULL,              -- an area graded 1-4, or a yes/no question
    section VARCHAR,
    PRIMARY KEY (tool_id, seq)
);

CREATE TABLE audit_theme_plan (
    month   DATE NOT NULL,
    theme   VARCHAR NOT NULL,
    tool_id VARCHAR,
    PRIMARY KEY (month, theme)
);

CREATE TABLE audit_target (
    target     VARCHAR NOT NULL,           -- 'auditors', 'moderators', 'escalation_working_days', ...
    from_month DATE NOT NULL,
    value      DOUBLE NOT NULL,
    PRIMARY KEY (target, from_month)
);

CREATE TABLE audit_escalation (
    audit_id    VARCHAR NOT NULL,
    notify_role VARCHAR NOT NULL,          -- head_of_service, assistant_director, team_manager, iro
    told_name   VARCHAR,                   -- who was told
    told_on     DATE NOT NULL,
    recorded_by VARCHAR NOT NULL,          -- who recorded it in the app, or the file it was imported from
    recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (audit_id, notify_role)
);

CREATE TABLE tier2_allocation (
    month           DATE NOT NULL,
    head_staff_id   VARCHAR NOT NULL,
    head_of_service VARCHAR NOT NULL,
    head_service_id VARCHAR,
    case_ref        VARCHAR,               -- blank: no eligible case outside their service
    service_id      VARCHAR,
    team_id         VARCHAR,
    seed            BIGINT NOT NULL,
    selected_at     TIMESTAMP NOT NULL,
    selected_by     VARCHAR,
    PRIMARY KEY (month, head_staff_id)
);

ALTER TABLE staff ADD COLUMN auditor_from DATE;
ALTER TABLE staff ADD COLUMN moderator_from DATE;
