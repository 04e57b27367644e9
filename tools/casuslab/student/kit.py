"""Widget factories sharing one Layout and one Style model per kind.

ipywidgets gives every widget its own Layout and Style model by default; a stage
then costs hundreds of comm messages and models for the browser to build. Sharing
them (they never change here) keeps Run All fast.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

_shared: dict[tuple, w.Widget] = {}


def _one(kind: type, **traits: Any) -> w.Widget:
    key = (kind.__name__, tuple(sorted(traits.items())))
    widget = _shared.get(key)
    if widget is None:
        widget = _shared[key] = kind(**traits)
    return widget


def layout(**traits: Any) -> w.Layout:
    return _one(w.Layout, **(traits or {"width": "100%"}))


def style(widget_kind: type, **traits: Any) -> w.Widget:
    """The shared style model for widgets of ``widget_kind`` (e.g. ``w.Checkbox``)."""
    return _one(widget_kind.class_traits()["style"].klass, **traits)


def _classes(css: str) -> tuple[str, ...]:
    return tuple(css.split())


def html(value: str = "", css: str = "", **layout_traits: Any) -> w.HTML:
    # classes go into the constructor: one comm message per widget, not two
    return w.HTML(value, layout=layout(**layout_traits), style=style(w.HTML), _dom_classes=_classes(css))


def button(description: str, tooltip: str = "", **traits: Any) -> w.Button:
    return w.Button(description=description, tooltip=tooltip or None, layout=layout(width="auto"),
                    style=style(w.Button), **traits)


def vbox(children: list | tuple = (), css: str = "", **layout_traits: Any) -> w.VBox:
    return w.VBox(list(children), layout=layout(**layout_traits), _dom_classes=_classes(css))


def hbox(children: list | tuple = (), css: str = "", **layout_traits: Any) -> w.HBox:
    return w.HBox(list(children), layout=layout(**layout_traits), _dom_classes=_classes(css))
