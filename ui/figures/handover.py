"""A figure handed to ``st.plotly_chart`` without Plotly's defensive copy.

``st.plotly_chart`` turns a figure into its JSON through ``Figure.to_dict``, which deep-copies every
trace and then walks every element of every list looking for arrays to encode. A page draws its
figures once and never uses them again, so the copy protects nothing; on a page of ten charts it
was a tenth of a filter change's time (issue 14). :func:`handed_over` gives a figure whose
``to_dict`` builds the same dictionary (the same JSON, arrays encoded as Plotly encodes them)
sharing the lists of plain values instead of copying them, and leaves the figure as it was.
:func:`spec_figure` goes one step further for a figure built as plain dicts: no ``go.Figure`` is made
at all (its constructor deep-copies every trace and orders every property), so the chart's JSON has
the same content as ``handed_over(go.Figure(spec, _validate=False))``, its keys in the spec's order.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec

__all__ = ["handed_over", "plain_dict", "spec_figure"]

_CONTAINERS = (dict, list, tuple)


def _encoded(value: Any) -> Any:
    """``value`` as Plotly's ``convert_to_base64`` leaves a deep copy of it: arrays held under a
    key become typed-array specs; new containers only where something inside them changes."""
    if isinstance(value, dict):
        return {
            k: v if is_skipped_key(k) else (to_typed_array_spec(v) if is_homogeneous_array(v) else _encoded(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)) and any(isinstance(v, _CONTAINERS) for v in value):
        return type(value)(_encoded(v) for v in value)
    return value  # a scalar, or a list of plain values: read, never changed, so shared


def plain_dict(fig: go.Figure) -> dict:
    """What ``fig.to_dict()`` returns, without copying its lists of values (``fig`` is unchanged)."""
    out = {"data": _encoded(list(fig._data)), "layout": _encoded(fig._layout)}
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        out["frames"] = _encoded(frames)
    return out


class _HandedOver(go.Figure):
    """Only what ``st.plotly_chart`` asks of a figure: that it is one, and its ``to_dict``."""

    def __init__(self, spec: dict) -> None:  # noqa: D107 - no Plotly set-up: the spec is ready
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return self._spec


def handed_over(fig: go.Figure) -> go.Figure:
    """``fig`` ready for ``st.plotly_chart``, which will not copy it again (one handed over already,
    e.g. by :func:`spec_figure`, as it is)."""
    return fig if isinstance(fig, _HandedOver) else _HandedOver(plain_dict(fig))


_TEMPLATE: dict | None = None


def _default_template() -> dict:
    """The layout template ``go.Figure`` gives a figure that names none (Plotly's default), read once."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = go.Figure()._layout["template"]
    return _TEMPLATE


def spec_figure(spec: dict) -> go.Figure:
    """A figure built as plain dicts (``{"data": [...], "layout": {...}}``) ready for
    ``st.plotly_chart``, without constructing a ``go.Figure``. The spec is read, never changed."""
    layout = spec.get("layout", {})
    if layout.get("template") is None:
        layout = {**layout, "template": _default_template()}
    out = {"data": _encoded(list(spec.get("data", []))), "layout": _encoded(layout)}
    if spec.get("frames"):
        out["frames"] = _encoded(list(spec["frames"]))
    return _HandedOver(out)
