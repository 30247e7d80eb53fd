from django import template

from ..selectors import count_certified_supporters

register = template.Library()


@register.simple_tag
def certified_supporters_count() -> int:
    """The live national count of certified supporters (people with a valid certificate), cached briefly."""
    return count_certified_supporters()


@register.filter
def wareki_and_western(value) -> str:
    """令和8年5月1日（2026年5月1日）"""
    from ..dates import both

    return both(value) if value else ""
