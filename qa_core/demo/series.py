"""Monthly indicator values per team: numerators and denominators with signals to find."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import ALL, INDICATORS
from qa_core.rules.rag import DEFAULT_MIN_DENOMINATOR


def indicator_frames(teams: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The catalogue and the indicator-to-service links, as store rows."""
    rows, links = [], []
    service_ids = list(dict.fromkeys(teams["service_id"]))
    for order, ind in enumerate(INDICATORS, start=1):
        rows.append(dict(
            code=ind["code"], name=ind["name"], theme=ind["theme"], unit=ind["unit"],
            polarity=ind["polarity"], target=ind["target"], rag_rule=ind["rag_rule"],
            tolerance=float(ind["tolerance"]), levels="la,service,team",
            aggregation=ind.get("aggregation", "ratio"), source="Demo case management extract",
            description=None, published_measure=ind.get("published"), sort_order=order,
        ))
        for sid in service_ids if ind["services"] == [ALL] else ind["services"]:
            links.append(dict(code=ind["code"], service_id=sid))
    frame = pd.DataFrame(rows)
    frame["target"] = frame["target"].astype("float64")
    rating = pd.DataFrame({"code": [ind["code"] for ind in INDICATORS],
                           "min_denominator": [float(ind.get("min_denominator", DEFAULT_MIN_DENOMINATOR))
                                               for ind in INDICATORS]})
    return {"indicator": frame, "indicator_rating": rating, "indicator_service": pd.DataFrame(links)}


def _level(shape: dict, n_teams: int, n_months: int, rng: np.random.Generator) -> np.ndarray:
    """The underlying level per team (rows) and month (columns)."""
    t = np.linspace(0.0, 1.0, n_months)
    level = shape["base"] + shape.get("drift", 0.0) * t
    level = np.broadcast_to(level, (n_teams, n_months)).copy()
    level += rng.normal(0.0, shape["sd_team"], size=(n_teams, 1))
    if "shift" in shape:
        months, delta = shape["shift"]
        level[:, n_months - months:] += delta
    if "spike" in shape:
        back, delta = shape["spike"]
        level[:, n_months - back] += delta
    return level


def indicator_values(
    teams: pd.DataFrame, links: pd.DataFrame, months: pd.DatetimeIndex, rng: np.random.Generator
) -> pd.DataFrame:
    """One row per indicator, month and team the indicator applies to."""
    frames = []
    n_months = len(months)
    for ind in INDICATORS:
        services = set(links.loc[links["code"] == ind["code"], "service_id"])
        own = teams[teams["service_id"].isin(services)]
        n_teams = len(own)
        shape = ind["shape"]
        size = rng.uniform(0.6, 1.4, size=(n_teams, 1))
        level = _level(shape, n_teams, n_months, rng)
        num = den = val = None
        if ind["unit"] == "%":
            p = np.clip(level, 0.005, 0.995)
            den = np.maximum(rng.poisson(shape["den"] * size, size=(n_teams, n_months)), 1)
            num = rng.binomial(den, p)
        elif ind.get("aggregation") == "sum":
            val = rng.poisson(np.maximum(level * size, 0.05)).astype(float)
        elif ind["code"] == "ADOPT_DAYS":
            den = rng.poisson(shape["den"] * size, size=(n_teams, n_months))
            days = np.maximum(level + rng.normal(0, 90, size=(n_teams, n_months)), 120)
            num = np.round(days * den)
        else:  # average per head: caseload per FTE, sickness days per employee
            den = np.round(np.maximum(shape["den"] * size + rng.normal(0, 0.5, (n_teams, n_months)), 2), 1)
            per = np.maximum(level + rng.normal(0, shape["sd_team"] / 3, (n_teams, n_months)), 0.5)
            num = np.round(per * den)
        frame = pd.DataFrame({
            "code": ind["code"],
            "period": np.tile(months.values, n_teams),
            "team_id": np.repeat(own["team_id"].to_numpy(), n_months),
            "numerator": None if num is None else np.asarray(num, dtype=float).ravel(),
            "denominator": None if den is None else np.asarray(den, dtype=float).ravel(),
            "value": None if val is None else val.ravel(),
        })
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    for col in ("numerator", "denominator", "value"):
        out[col] = out[col].astype("float64")
    out["period"] = pd.to_datetime(out["period"]).dt.date
    return out
