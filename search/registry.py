"""What each app contributes to search. An app declares its sources in `<app>/search_documents.py` (found by
`SearchConfig.ready()`, like wagtail_hooks): the model, the kind of result, and a function that says what to index
for one object — or None when the object must not be found (unpublished, private, inactive …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from .enums import Kind


@dataclass
class DocumentData:
    """What a source gives for one object. Texts are plain (no HTML); `search.services` normalises them."""

    title: str
    url: str
    body: str = ""
    date: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    is_cancelled: bool = False
    region: str = ""
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    model: type[models.Model]
    kind: Kind
    build: Callable[[models.Model], DocumentData | None]
    # Objects to index on a rebuild (default: every object of the model; build() still decides).
    queryset: Callable[[], Iterable[models.Model]] | None = None
    # Child models whose changes change this object's document: (model, name of the foreign key to the parent).
    parts: tuple[tuple[type[models.Model], str], ...] = ()

    def all_objects(self) -> Iterable[models.Model]:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_sources: dict[type[models.Model], Source] = {}


def register(source: Source) -> Source:
    _sources[source.model] = source
    return source


def source_for(obj_or_model) -> Source | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _sources.get(model)


def sources() -> list[Source]:
    return list(_sources.values())


def parent_of_part(instance) -> tuple[type[models.Model] | None, int | None]:
    for source in _sources.values():
        for part, fk_name in source.parts:
            if isinstance(instance, part):
                return source.model, getattr(instance, f"{fk_name}_id", None)
    return None, None
