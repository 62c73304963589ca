-- Published figures for EVERY English local authority (DfE LAIT and explore-education-statistics
-- tables, Ofsted ILACS), so any LA can be set beside its statistical neighbours, region and
-- England. Crown copyright, Open Government Licence v3.0. The older `comparator` table stays:
-- it holds the comparators of the one LA the council is benchmarked as, per catalogue code.

-- Local authorities, current and abolished, keyed by DfE's old 3-digit code.
-- A joint return (e.g. '314 / 318', two LAs reporting together) is a row of its own.
CREATE TABLE published_la (
    old_la_code  VARCHAR PRIMARY KEY,     -- '356'; joint returns '314 / 318'
    new_la_code  VARCHAR,                 -- ONS code, e.g. 'E08000007'
    name         VARCHAR NOT NULL,
    region_code  VARCHAR,                 -- 'E12000002' (Inner/Outer London are E13 in published_value only)
    region_name  VARCHAR,
    status       VARCHAR NOT NULL CHECK (status IN ('current', 'abolished', 'joint')),
    successors   VARCHAR,                 -- abolished: the codes that replaced it, ';'-separated
    predecessors VARCHAR,                 -- current: the codes it replaced, ';'-separated
    last_year    INTEGER,                 -- abolished: last year it published figures for
    first_year   INTEGER                  -- created by reorganisation: first year of its own figures
);

-- The measures: LAIT's 46 children's social care measures, and columns of DfE tables.
CREATE TABLE published_measure (
    measure      VARCHAR PRIMARY KEY,     -- LAIT 'ReReferral'; DfE table 'c1.rereferral_percent'
    name         VARCHAR NOT NULL,
    polarity     VARCHAR NOT NULL CHECK (polarity IN ('High', 'Low', '-')),  -- which way is better
    unit         VARCHAR,
    topic        VARCHAR,
    year_type    VARCHAR,
    description  VARCHAR,
    methodology  VARCHAR,
    source       VARCHAR NOT NULL,
    link         VARCHAR
);

-- One figure per measure, year and area. A figure DfE withheld or could not give has no value
-- and keeps its symbol (c, x, z, k, u, low, ':'; '-' = LAIT "not available or suppressed"),
-- never a 0.
CREATE TABLE published_value (
    measure      VARCHAR NOT NULL,        -- published_measure.measure (no FK: DuckDB cannot replace both in one transaction)
    year         INTEGER NOT NULL,        -- year ending 31 March (workforce: at 30 September)
    area_level   VARCHAR NOT NULL CHECK (area_level IN ('la', 'region', 'england')),
    area_code    VARCHAR NOT NULL,        -- la: old LA code; region: E12/E13 code; england: E92000001
    area_name    VARCHAR,
    value        DOUBLE,
    symbol       VARCHAR,
    numerator    DOUBLE,                  -- the counts behind a percentage, where published
    denominator  DOUBLE,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (measure, year, area_level, area_code),
    CHECK (value IS NOT NULL OR symbol IS NOT NULL)
);

-- DfE's children's services statistical neighbour model: 10 neighbours per LA.
CREATE TABLE statistical_neighbour (
    la_code        VARCHAR NOT NULL,
    rank           INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 10),  -- 1 = closest
    neighbour_code VARCHAR NOT NULL,
    closeness      VARCHAR,               -- 'Extremely close' ... 'Not close'
    model          VARCHAR NOT NULL,      -- e.g. 'DfE SN model May 2025'
    PRIMARY KEY (la_code, rank)
);

-- Ofsted ILACS inspections (standard and short), every judgement per LA.
CREATE TABLE ilacs_judgement (
    new_la_code           VARCHAR NOT NULL,
    la_code               VARCHAR,        -- old LA code where known
    la_name               VARCHAR NOT NULL,
    la_status             VARCHAR,        -- 'Current' / 'No longer exists'
    ofsted_region         VARCHAR,
    inspection_date       DATE NOT NULL,
    publication_date      DATE,
    inspection_type       VARCHAR,
    overall_effectiveness VARCHAR,
    leaders               VARCHAR,        -- impact of leaders on social work practice
    help_and_protection   VARCHAR,        -- children who need help and protection
    children_in_care      VARCHAR,
    care_leavers          VARCHAR,
    PRIMARY KEY (new_la_code, inspection_date)
);
