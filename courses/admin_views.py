"""Editors' screens in the Wagtail admin: the item analysis of each module's quiz (national aggregate of learners'
first attempts; see courses/item_analysis.py). Reachable only under /admin/, so with a staff role and TOTP (MFA gate);
a module's analysis only for users who may edit that module's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .item_analysis import MIN_ATTEMPTS, analyse
from .models import ModulePage


def can_analyse(user, module: ModulePage) -> bool:
    return module.permissions_for_user(user).can_edit()


def index(request):
    modules = [
        m
        for m in ModulePage.objects.annotate(
            attempt_count=Count("quiz_attempts__user", distinct=True)
        ).order_by("path")
        if can_analyse(request.user, m)
    ]
    if not modules and not ModulePage.objects.exists():
        modules = []
    elif not modules:
        raise PermissionDenied
    return render(
        request, "courses/admin/item_analysis_index.html", {"modules": modules, "minimum": MIN_ATTEMPTS}
    )


def detail(request, pk: int):
    module = get_object_or_404(ModulePage, pk=pk)
    if not can_analyse(request.user, module):
        raise PermissionDenied
    return render(
        request, "courses/admin/item_analysis.html", {"stats": analyse(module), "minimum": MIN_ATTEMPTS}
    )
