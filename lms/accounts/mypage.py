"""マイページ is assembled from panels that each app registers in its AppConfig.ready():

    from lms.accounts.mypage import register_panel
    register_panel("courses", order=10, func=progress_panel)

A panel function takes the request and returns None (nothing to show) or (template_name, context)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PanelFunc = Callable[..., "tuple[str, dict] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    func: PanelFunc


_PANELS: dict[str, Panel] = {}


def register_panel(key: str, *, order: int, func: PanelFunc) -> None:
    _PANELS[key] = Panel(key, order, func)


def render_panels(request) -> list[tuple[str, dict]]:
    result = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        rendered = panel.func(request)
        if rendered is not None:
            result.append(rendered)
    return result
