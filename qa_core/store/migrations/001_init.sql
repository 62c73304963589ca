-- 001: the whole first schema. Months are DATEs on the first of the month; quarters are
-- 'YYYY-Qn' text; percentages are never stored, only numerators and denominators.

-- The organisation ---------------------------------------------------------------------
CREATE TABLE service (
    service_id      VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    head_of_service VARCHAR,
    head_email      VARCHAR,
    sort_order      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE team (
    team_id       VARCHAR PRIMARY KEY,
    service_id    VARCHAR NOT NULL REFERENCES service (service_id),
    name          VARCHAR NOT NULL,
    manager       VARCHAR,
    manager_email VARCHAR
);

-- Settings: home council, display name, etc. -----------------------------------------
CREATE TABLE setting (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Indicators ---------------------------------------------------------------------------
CREATE TABLE indicator (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    theme       VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,          -- '%', 'rate_per_10k', 'days', 'count', 'number'
    polarity    VARCHAR NOT NULL,          -- 'up' (higher is better), 'down', 'neutral'
    target      DOUBLE,                    -- in the unit shown (e.g. 90 for 90%)
    rag_rule    VARCHAR NOT NULL DEFAULT 'tolerance',   -- 'tolerance', 'travel', 'none'
    tolerance   DOUBLE NOT NULL DEFAULT 0,
    levels      VARCHAR NOT NULL DEFAULT 'la,service,team',
    aggregation VARCHAR NOT NULL DEFAULT 'ratio',        -- 'ratio' or 'sum'
    source      VARCHAR,
    description VARCHAR,
    published_measure VARCHAR,             -- LAIT / DfE measure it can be compared with
    sort_order  INTEGER NOT NULL DEFAULT 0
);

-- Which services hold an indicator as a core clinic measure.
CREATE TABLE indicator_service (
    code       VARCHAR NOT NULL REFERENCES indicator (code),
    service_id VARCHAR NOT NULL REFERENCES service (service_id),
    PRIMARY KEY (code, service_id)
);

-- One row per indicator, month and team. Service and council figures are aggregated from
-- these in queries (sum of numerators over sum of denominators).
CREATE TABLE indicator_value (
    code        VARCHAR NOT NULL REFERENCES indicator (code),
    period      DATE NOT NULL,
    team_id     VARCHAR NOT NULL REFERENCES team (team_id),
    numerator   DOUBLE,
    denominator DOUBLE,
    value       DOUBLE,                    -- plain value where no ratio applies
    PRIMARY KEY (code, period, team_id)
);

-- Published comparators: statistical neighbours, region, England.
CREATE TABLE comparator (
    code        VARCHAR NOT NULL REFERENCES indicator (code),
    period      VARCHAR NOT NULL,          -- the published period, e.g. '2025' (year to 31 March)
    comparator  VARCHAR NOT NULL,          -- 'statistical_neighbours', 'region', 'england', 'la'
    value       DOUBLE,
    symbol      VARCHAR,                   -- DfE symbol when no value: c, x, z, k, u, low, :
    n_used      INTEGER,                   -- for a median: how many neighbours had a value
    source      VARCHAR,
    PRIMARY KEY (code, period, comparator)
);

-- Commentary on an indicator value (service level or team level).
CREATE TABLE commentary (
    code       VARCHAR NOT NULL REFERENCES indicator (code),
    period     DATE NOT NULL,
    org_level  VARCHAR NOT NULL,           -- 'la', 'service', 'team'
    org_id     VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    author     VARCHAR,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (code, period, org_level, org_id)
);

-- Audits -------------------------------------------------------------------------------
CREATE TABLE audit (
    audit_id        VARCHAR PRIMARY KEY,
    audit_date      DATE NOT NULL,
    tier            VARCHAR NOT NULL,      -- 'tier1', 'tier2', 'thematic', 'supervision'
    tool            VARCHAR,
    case_ref        VARCHAR,
    team_id         VARCHAR NOT NULL REFERENCES team (team_id),
    service_id      VARCHAR NOT NULL REFERENCES service (service_id),
    auditor         VARCHAR NOT NULL,
    auditor_role    VARCHAR NOT NULL,      -- 'team_manager', 'head_of_service', 'qa_officer', ...
    auditor_service VARCHAR,               -- the auditor's own service (for HoS expectation)
    overall_grade   TINYINT NOT NULL CHECK (overall_grade BETWEEN 1 AND 4),
    moderated_grade TINYINT CHECK (moderated_grade BETWEEN 1 AND 4),
    moderator       VARCHAR
);

CREATE TABLE audit_area_grade (
    audit_id VARCHAR NOT NULL REFERENCES audit (audit_id),
    area     VARCHAR NOT NULL,
    grade    TINYINT NOT NULL CHECK (grade BETWEEN 1 AND 4),
    PRIMARY KEY (audit_id, area)
);

CREATE TABLE audit_action (
    action_id      VARCHAR PRIMARY KEY,
    audit_id       VARCHAR NOT NULL REFERENCES audit (audit_id),
    description    VARCHAR NOT NULL,
    owner          VARCHAR,
    due_date       DATE,
    completed_date DATE
);

CREATE TABLE audit_expectation (
    auditor      VARCHAR NOT NULL,
    auditor_role VARCHAR NOT NULL,
    month        DATE NOT NULL,
    expected     INTEGER NOT NULL,
    service_id   VARCHAR REFERENCES service (service_id),   -- the auditor's own service
    team_id      VARCHAR REFERENCES team (team_id),          -- the auditor's own team
    PRIMARY KEY (auditor, month)
);

-- Improvement plan ---------------------------------------------------------------------
CREATE TABLE plan_area (
    area_id      VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    lead         VARCHAR,
    ofsted_recommendation VARCHAR,
    sort_order   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plan_area_rag (
    area_id VARCHAR NOT NULL REFERENCES plan_area (area_id),
    month   DATE NOT NULL,
    rag     VARCHAR NOT NULL,               -- Red, Amber, Yellow, Green, Blue
    PRIMARY KEY (area_id, month)
);

CREATE TABLE plan_priority (
    priority_id    VARCHAR PRIMARY KEY,
    area_id        VARCHAR NOT NULL REFERENCES plan_area (area_id),
    description    VARCHAR NOT NULL,
    target_date    DATE,
    completed_date DATE
);

CREATE TABLE plan_narrative (
    area_id  VARCHAR NOT NULL REFERENCES plan_area (area_id),
    month    DATE NOT NULL,
    kind     VARCHAR NOT NULL,              -- 'development', 'risk', 'progress'
    seq      INTEGER NOT NULL,
    text     VARCHAR NOT NULL,
    evidence VARCHAR,
    PRIMARY KEY (area_id, month, kind, seq)
);

-- Risk ---------------------------------------------------------------------------------
CREATE TABLE risk_matrix (
    matrix_id         VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,     -- 'product' or 'positional'
    impact_labels     VARCHAR,              -- '|'-separated, lowest first
    likelihood_labels VARCHAR
);

CREATE TABLE risk_matrix_cell (
    matrix_id  VARCHAR NOT NULL REFERENCES risk_matrix (matrix_id),
    impact     TINYINT NOT NULL,
    likelihood TINYINT NOT NULL,
    score      INTEGER NOT NULL,
    band       VARCHAR NOT NULL,
    PRIMARY KEY (matrix_id, impact, likelihood)
);

CREATE TABLE risk (
    risk_ref    VARCHAR PRIMARY KEY,
    service_id  VARCHAR REFERENCES service (service_id),
    title       VARCHAR NOT NULL,
    description VARCHAR,
    owner       VARCHAR
);

CREATE TABLE risk_review (
    risk_ref            VARCHAR NOT NULL REFERENCES risk (risk_ref),
    quarter             VARCHAR NOT NULL,   -- 'YYYY-Qn'
    gross_impact        TINYINT NOT NULL,
    gross_likelihood    TINYINT NOT NULL,
    residual_impact     TINYINT NOT NULL,
    residual_likelihood TINYINT NOT NULL,
    target_impact       TINYINT,
    target_likelihood   TINYINT,
    controls            VARCHAR,
    reasons             VARCHAR,
    outlook             VARCHAR,
    reduction_expected  BOOLEAN,
    PRIMARY KEY (risk_ref, quarter)
);

-- Performance clinic actions -----------------------------------------------------------
CREATE TABLE clinic_action (
    action_id      VARCHAR PRIMARY KEY,
    service_id     VARCHAR NOT NULL REFERENCES service (service_id),
    clinic_month   DATE NOT NULL,
    code           VARCHAR REFERENCES indicator (code),
    description    VARCHAR NOT NULL,
    owner          VARCHAR NOT NULL,
    due_date       DATE NOT NULL,
    completed_date DATE,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
