"""Search tests share one seeded site per module: seeding takes seconds, and the tests only read it (each test
still runs in its own savepoint, so one that publishes or deletes leaves the next one the seeded site)."""

import pytest
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

DEMO_CONTENT = ["home.demo.seed_campaign", "events.demo.seed_workshops"]  # the demo data search can find


def seed_everything() -> None:
    """The site as `make setup` leaves it: windows, standard pages, campaign index, the course, the demo campaign
    and workshops, then `rebuild_search_index` (the page tree's first pages are created live, without a publish
    signal)."""
    from courses.seeding import seed_course
    from home.services import seed_site
    from search.services import rebuild_index

    seed_site()
    seed_course()
    for path in DEMO_CONTENT:
        assert path in settings.DEMO_SEEDERS
        import_string(path)()
    rebuild_index()


@pytest.fixture(scope="module")
def seeded_site(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction that is rolled back at its end (Django's setUpTestData)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_everything()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def site(seeded_site, db):
    """The seeded site, for one test (its changes are rolled back after it)."""
