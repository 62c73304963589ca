-- 005: quarters become financial quarters (docs/domain.md, "Periods: the financial year").
-- Until now a quarter was stored as a calendar quarter, 'YYYY-Qn' ('2026-Q3': July to September
-- 2026). Councils report in financial years (1 April to 31 March), and a form like '2026-Q3'
-- reads as October to December to them, so the store now keeps the financial label, '2026/27 Q2'
-- for those same months. This migration relabels what is held, keeping the SAME three months:
--   calendar YYYY-Q1 (January to March)  -> (YYYY-1)/YY Q4     e.g. 2026-Q1 -> 2025/26 Q4
--   calendar YYYY-Q2 (April to June)     -> YYYY/(YY+1) Q1     e.g. 2026-Q2 -> 2026/27 Q1
--   calendar YYYY-Q3 (July to September) -> YYYY/(YY+1) Q2     e.g. 2026-Q3 -> 2026/27 Q2
--   calendar YYYY-Q4 (October to Dec.)   -> YYYY/(YY+1) Q3     e.g. 2026-Q4 -> 2026/27 Q3
-- A review stays the review of the months it was made for; only its name changes, so the
-- register's history, its movement since last quarter and its trajectories are unchanged.
-- Left as they are (the pages leave them out, as they always did for a malformed quarter):
-- anything not exactly 'YYYY-Qn', year 0000's first quarter (no financial year before it), and a
-- review whose new label the same risk already holds (none in a store written before this
-- migration, where the importer refused financial labels). Settings holding a calendar quarter
-- (the demo's 'latest_quarter') are relabelled the same way. The import log is left alone: it
-- records what each file said when it was loaded.
CREATE TEMP MACRO financial_quarter_005(q) AS
    CASE WHEN q[7] = '1'
         THEN printf('%04d/%02d Q4', CAST(q[1:4] AS INTEGER) - 1, CAST(q[1:4] AS INTEGER) % 100)
         ELSE printf('%04d/%02d Q%d', CAST(q[1:4] AS INTEGER), (CAST(q[1:4] AS INTEGER) + 1) % 100,
                     CAST(q[7] AS INTEGER) - 1)
    END;

UPDATE risk_review SET quarter = financial_quarter_005(risk_review.quarter)
WHERE regexp_full_match(risk_review.quarter, '[0-9]{4}-Q[1-4]')
  AND risk_review.quarter <> '0000-Q1'
  AND NOT EXISTS (
      SELECT 1 FROM risk_review held
      WHERE held.risk_ref = risk_review.risk_ref AND held.quarter = financial_quarter_005(risk_review.quarter));

UPDATE setting SET value = financial_quarter_005(value)
WHERE regexp_full_match(value, '[0-9]{4}-Q[1-4]') AND value <> '0000-Q1';

DROP MACRO financial_quarter_005;
