"""The CDN in front of the site (production, off by default): Wagtail's frontend-cache invalidator.

With FRONTEND_CACHE_BACKEND set (lms/settings/base.py builds WAGTAILFRONTENDCACHE from it), Wagtail's
`wagtail.contrib.frontend_cache` purges a published or unpublished page's own URLs; this adds the pages that list
or announce other pages (the home page, the campaign index, the course landing page, the workshop listing), which
Wagtail does not know depend on them. Snippet changes (e.g. the footer's consultation windows) are not purged on the
CDN page by page: PAGE_CACHE_CDN_MAX_AGE bounds how long the CDN may keep them (docs/page-cache.md)."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)

AGGREGATE_PATHS = ("/", "/campaign/", "/course/", "/workshops/")


def purge_frontend(page=None) -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    base = (site.root_url if site else settings.SITE_URL).rstrip("/")  # the host Wagtail purges pages under
    batch = PurgeBatch([base + path for path in AGGREGATE_PATHS])
    if page is not None and getattr(page, "pk", None):
        try:
            batch.add_page(page)
        except Exception:  # noqa: BLE001  (a page without a URL, e.g. being deleted)
            logger.debug("Frontend cache: no URL for page %s", page.pk, exc_info=True)
    try:
        batch.purge()
    except Exception:  # noqa: BLE001  (the CDN's API must never fail a publish)
        logger.warning("Frontend cache: purge failed", exc_info=True)
