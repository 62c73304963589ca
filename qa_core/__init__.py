"""qa_core: the calculation library and store behind the children's social care
performance and quality-assurance dashboard. Importable and useful without Streamlit.

The public API is ``__all__``; every error a user can act on is a ``QAError``. The layers
(docs/architecture.md): ``rules`` (pure calculation), ``store`` (DuckDB, migrations, named
queries), ``views`` (what each page and report kind shows), ``io`` (importer, exports, the
published DfE and Ofsted files), ``demo``; beside them ``errors``, ``pages`` (the list of pages)
and ``roles`` (who sees what); ``__main__`` is the command line.
"""

from qa_core.errors import QAError, StoreLockedError
from qa_core.rules.aggregate import aggregate_ratio, ratio_value
from qa_core.rules.audits import (
    GRADES,
    INADEQUATE_TARGET_PCT,
    completion,
    escalation_for,
    escalations,
    final_grade,
    grade_counts,
    grade_summary,
    moderation_matrix,
    moderation_summary,
    parse_grade,
    wilson_interval,
)
from qa_core.rules.formatting import scale_for_unit
from qa_core.rules.rag import direction_of_travel, priority_status, rag_movement, rag_status
from qa_core.rules.risk import (
    POSITIONAL_5X5,
    PRODUCT_5X5,
    RiskMatrix,
    assess_register,
    matrix_from_cells,
    movement,
    product_matrix,
    reduction,
)
from qa_core.rules.spc import assurance_icon, p_chart, variation_icon, xmr
from qa_core.store import Store, default_db_path

__all__ = [
    "QAError", "StoreLockedError", "Store", "default_db_path",
    "aggregate_ratio", "ratio_value", "scale_for_unit",
    "GRADES", "INADEQUATE_TARGET_PCT", "completion", "escalation_for", "escalations",
    "final_grade", "grade_counts", "grade_summary", "moderation_matrix", "moderation_summary",
    "parse_grade", "wilson_interval",
    "direction_of_travel", "priority_status", "rag_movement", "rag_status",
    "POSITIONAL_5X5", "PRODUCT_5X5", "RiskMatrix", "assess_register", "matrix_from_cells",
    "movement", "product_matrix", "reduction",
    "assurance_icon", "p_chart", "variation_icon", "xmr",
]
