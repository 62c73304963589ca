"""Views: what each page and each ``report`` kind shows, one module per page (``registry``
lists the report kinds the command line dispatches).

A view runs the store's named queries, or SQL only its page needs, through the ``Store`` (with
the viewer's case filter where rows carry case-level detail), passes the frames through the
rules and returns the frames a page or a report prints, so the command line and the screen
never disagree. May import: ``qa_core.store``, ``qa_core.rules``, ``qa_core.roles``,
``qa_core.pages``, ``qa_core.errors`` and other views; never io (no file reading) or Streamlit.
"""
