"""Walk the URL resolver: every route with an `<int:…>` converter, as a path with chosen values filled in."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_LITERAL_REGEX = re.compile(r"^\^?(?P<text>[\w\-./]*)\$?$")


def _route_text(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, RegexPattern):
        literal = _LITERAL_REGEX.match(str(pattern._regex))
        return literal.group("text") if literal else None  # a regex with groups: not an int route
    return None


def int_routes() -> list[tuple[str, str]]:
    """(route template, name) of every route that has an int converter anywhere in its path."""
    found = []

    def walk(patterns, prefix: str, has_int: bool):
        for entry in patterns:
            text = _route_text(entry.pattern)
            if text is None:
                continue
            converters = getattr(entry.pattern, "converters", {})
            here_int = any(isinstance(c, IntConverter) for c in converters.values())
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + text, has_int or here_int)
            elif isinstance(entry, URLPattern) and (has_int or here_int):
                found.append((prefix + text, entry.name or ""))

    walk(get_resolver().url_patterns, "", False)
    return sorted(set(found))


def fill(route: str, int_value: int) -> str:
    """The route with every int parameter set to `int_value` and any other parameter to a harmless word."""

    def value(match):
        return str(int_value) if match.group("converter") == "int" else "x"

    return "/" + _PARAM.sub(value, route)
