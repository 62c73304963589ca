-- 004: the organisation as data. Staff (who works where, in which role, from when to when),
-- audit expectations as rules per role (how many audits a month, and whether only audits outside
-- the person's own service count), and exemptions (a person-month that counts as neither expected
-- nor missed). Completion against expectation is worked out from these three for any month.
-- Before this migration the demo builder wrote one `audit_expectation` row per auditor and month;
-- those rows become staff, rules and exemptions below, and the old table goes.

CREATE TABLE staff (
    staff_id   VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    email      VARCHAR,
    role       VARCHAR NOT NULL,           -- assistant_director, head_of_service, team_manager,
                                           -- practice_manager, qa_lead, social_worker, other
    team_id    VARCHAR,                    -- their team (no foreign key: checked by the importer)
    service_id VARCHAR,                    -- their service; for team staff the team's service wins
    auditor    BOOLEAN NOT NULL DEFAULT FALSE,  -- audits case files (expectations apply to auditors only)
    moderator  BOOLEAN NOT NULL DEFAULT FALSE,
    start_date DATE,                       -- blank: in post before the store's data begins
    end_date   DATE                        -- blank: still in post
);

CREATE TABLE audit_expectation_rule (
    role                VARCHAR NOT NULL,
    from_month          DATE NOT NULL,     -- first month the rule applies (2000-01-01: from the start)
    to_month            DATE,              -- last month it applies; blank: still in force
    audits_per_month    INTEGER NOT NULL CHECK (audits_per_month >= 0),
    outside_own_service BOOLEAN NOT NULL DEFAULT FALSE,  -- only audits outside their own service count
    PRIMARY KEY (role, from_month)
);

CREATE TABLE audit_exemption (
    staff_id    VARCHAR NOT NULL,          -- no foreign key: removing staff removes their exemptions
    month       DATE NOT NULL,
    reason      VARCHAR NOT NULL,
    approved_by VARCHAR,
    PRIMARY KEY (staff_id, month)
);

-- Who heads a service and manages a team, by staff id. The name and email columns beside them
-- are kept in step with the staff list by every organisation import (they are what pages show).
ALTER TABLE service ADD COLUMN head_staff_id VARCHAR;
ALTER TABLE team ADD COLUMN manager_staff_id VARCHAR;
-- The auditor's staff id, where the audits file gives it; otherwise audits are matched to staff
-- by name (the one person of that name in post on the audit's day).
ALTER TABLE audit ADD COLUMN auditor_id VARCHAR;

-- The old per-auditor-month rows become staff ----------------------------------------------
CREATE TEMP TABLE _old_people AS
WITH people AS (
    SELECT auditor AS name,
           arg_max(auditor_role, month) AS old_role,
           arg_max(team_id, month) FILTER (WHERE team_id IS NOT NULL) AS team_id,
           arg_max(service_id, month) FILTER (WHERE service_id IS NOT NULL) AS service_id,
           min(month) AS first_month, max(month) AS last_month
    FROM audit_expectation GROUP BY auditor
), slugs AS (
    SELECT *, coalesce(nullif(trim(regexp_replace(lower(trim(name)), '[^a-z0-9]+', '-', 'g'), '-'), ''), 'staff')
              AS slug
    FROM people
)
SELECT *, slug || CASE WHEN count(*) OVER (PARTITION BY slug) > 1
                       THEN '-' || row_number() OVER (PARTITION BY slug ORDER BY name) ELSE '' END AS staff_id,
       CASE WHEN lower(old_role) IN ('assistant_director', 'head_of_service', 'team_manager', 'practice_manager',
                                     'qa_lead', 'social_worker') THEN lower(old_role) ELSE 'other' END AS role
FROM slugs;

INSERT INTO staff (staff_id, name, email, role, team_id, service_id, auditor, moderator, start_date, end_date)
SELECT p.staff_id, p.name,
       coalesce((SELECT any_value(t.manager_email) FROM team t WHERE t.manager = p.name),
                (SELECT any_value(s.head_email) FROM service s WHERE s.head_of_service = p.name)),
       p.role, p.team_id, p.service_id, TRUE, FALSE, p.first_month,
       CASE WHEN p.last_month < (SELECT max(month) FROM audit_expectation) THEN last_day(p.last_month) END
FROM _old_people p;

-- One rule per role: its usual number a month, from the first month it was expected; heads of
-- service count only audits outside their own service (the rule the old code applied by role).
INSERT INTO audit_expectation_rule (role, from_month, to_month, audits_per_month, outside_own_service)
SELECT p.role, min(e.month), NULL, mode(e.expected), p.role = 'head_of_service'
FROM audit_expectation e JOIN _old_people p ON p.name = e.auditor
WHERE e.expected > 0
GROUP BY p.role;

-- A month between someone's first and last with no row, or with nothing expected, was a month
-- with no expectation: it becomes an exemption, so the figures stay as they were.
INSERT INTO audit_exemption (staff_id, month, reason, approved_by)
SELECT p.staff_id, g.month::DATE,
       'No audits were expected this month in the store before it held staff and expectation rules.',
       'upgrade (migration 004)'
FROM _old_people p,
     LATERAL (SELECT unnest(generate_series(p.first_month::TIMESTAMP, p.last_month::TIMESTAMP,
                                            INTERVAL 1 MONTH)) AS month) g
WHERE NOT EXISTS (SELECT 1 FROM audit_expectation e
                  WHERE e.auditor = p.name AND e.month = g.month::DATE AND e.expected > 0);

UPDATE service SET head_staff_id = p.staff_id
FROM _old_people p WHERE p.name = service.head_of_service AND p.role = 'head_of_service';
UPDATE team SET manager_staff_id = p.staff_id
FROM _old_people p WHERE p.name = team.manager AND p.team_id = team.team_id;

DROP TABLE _old_people;
DROP TABLE audit_expectation;
