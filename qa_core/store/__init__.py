"""Store: the DuckDB file, its numbered migrations (``migrations/``) and the named queries
(``queries``) every view reads through.

``Store`` (``database``) opens short connections, runs parameterised SQL and every write as one
transaction. May import: ``qa_core.rules``, ``qa_core.errors`` and ``qa_core.roles`` (the
viewer's case filter is applied in the queries); never views, io or Streamlit.
"""

from qa_core.errors import StoreLockedError
from qa_core.store.database import MIGRATIONS_DIR, PROJECT_ROOT, Store, default_db_path

__all__ = ["Store", "default_db_path", "StoreLockedError", "MIGRATIONS_DIR", "PROJECT_ROOT"]
