"""Sections that other apps add to the home page and to campaign pages, without editing this app.

Register in your AppConfig.ready():

    from home.sections import HOME_COURSE, register_section
    register_section(HOME_COURSE, "certified-count", order=10, func=certified_count_section)

A section function takes (request, page) and returns None (nothing to show: no empty section is rendered) or
(template_name, context); the template gets the context as `section`. The slots:

- HOME_COURSE: inside the course call to action on the home page (e.g. the national count of certified supporters);
- HOME_MAIN: the home page, after the campaign banner (e.g. upcoming workshops near the learner);
- CAMPAIGN_MAIN: a campaign page, after its body (e.g. the month's workshops and events by prefecture; the page's
  `starts_on` / `ends_on` give the period).

This mirrors `lms.accounts.mypage.register_panel`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HOME_COURSE = "home_course"
HOME_MAIN = "home_main"
CAMPAIGN_MAIN = "campaign_main"
SLOTS = (HOME_COURSE, HOME_MAIN, CAMPAIGN_MAIN)

SectionFunc = Callable[..., "tuple[str, dict] | None"]


@dataclass(frozen=True)
class Section:
    slot: str
    key: str
    order: int
    func: SectionFunc


_SECTIONS: dict[tuple[str, str], Section] = {}


def register_section(slot: str, key: str, *, order: int, func: SectionFunc) -> None:
    if slot not in SLOTS:
        raise ValueError(f"Unknown section slot {slot!r}; use one of {SLOTS}")
    _SECTIONS[(slot, key)] = Section(slot, key, order, func)


def unregister_section(slot: str, key: str) -> None:
    _SECTIONS.pop((slot, key), None)


def render_sections(slot: str, request, page) -> list[tuple[str, dict]]:
    rendered = []
    for section in sorted((s for s in _SECTIONS.values() if s.slot == slot), key=lambda s: (s.order, s.key)):
        result = section.func(request, page)
        if result is not None:
            rendered.append(result)
    return rendered


def render_slots(request, page, slots: tuple[str, ...]) -> dict[str, list[tuple[str, dict]]]:
    """Context for a page template: {slot: [(template_name, context), …]}."""
    return {slot: render_sections(slot, request, page) for slot in slots}
