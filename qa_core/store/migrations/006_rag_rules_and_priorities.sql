-- 006: what a rating rests on.
-- indicator_rating: per measure, the fewest cases (its denominator) a figure is rated on; below
-- it the figure gets its count and no RAG (0 of 1 is not "Red"). A measure with no row here uses
-- the default, 5 (qa_core.rules.rag.DEFAULT_MIN_DENOMINATOR). A table of its own, keyed on the
-- indicator's code, because DuckDB cannot add a column to a table other tables reference.
-- plan_priority.rag and evidence: a lead may rate a priority themselves (that rating stands in
-- place of the one worked out from its target date) and name the evidence it rests on.
CREATE TABLE indicator_rating (
    code            VARCHAR PRIMARY KEY,      -- indicator.code
    min_denominator DOUBLE NOT NULL CHECK (min_denominator >= 0)
);
ALTER TABLE plan_priority ADD COLUMN rag VARCHAR;
ALTER TABLE plan_priority ADD COLUMN evidence VARCHAR;
