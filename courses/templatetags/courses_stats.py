from django import template

register = template.Library()
NONE = "—（算出できません）"


@register.filter
def ratio(value):
    return NONE if value is None else f"{value * 100:.0f}%"


@register.filter
def pct_score(value):
    return NONE if value is None else f"{value:.1f}点"


@register.filter
def decimal(value):
    return NONE if value is None else f"{value:.2f}"
