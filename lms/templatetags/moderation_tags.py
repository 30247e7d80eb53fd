from django import template

from lms.moderation import facts_for

register = template.Library()


@register.simple_tag
def moderation_facts(obj, workflow_state=None, task_state=None):
    """{% moderation_facts object workflow_state=… task_state=… as m %}: title, go-live time, people, admin link."""
    return facts_for(obj, workflow_state=workflow_state, task_state=task_state)
