"""Ofsted's Annex A: the child-level lists inspectors ask for, read as Ofsted lays them out, and the
clinic measures worked out from them (import kind ``annex_a``).

- ``spec``: the lists, the columns read, header spellings across years, coded answers;
- ``workbook``: the cells of an .xlsx, with each formula and the value Excel stored for it;
- ``reader``: typed lists and every problem by sheet, row and column;
- ``privacy``: keyed hashes of children's identifiers (the key beside the store), birth months;
- ``measures``: the months covered and the measures per month and team, with the records behind each;
- ``catalogue``: the AA_ codes and their written definitions;
- ``importer``: the import kind (all or nothing, in the importer's transaction).
"""

import qa_core.io.importer  # noqa: F401  first: the importer's registry of kinds imports this package's importer
from qa_core.io.annex_a.catalogue import CODES, MEASURES
from qa_core.io.annex_a.importer import KIND
from qa_core.io.annex_a.reader import read_annex_a

__all__ = ["CODES", "MEASURES", "KIND", "read_annex_a"]
