import time
import uuid

import pytest
from django.core.cache import cache

from lms.tasks import ping


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_round_trip_through_the_configured_broker(celery_worker_live, settings):
    """Eager on the embedded default; through the real Redis broker and a real worker when a broker is set. No
    result backend: the task leaves its answer in the shared cache."""
    value = uuid.uuid4().hex
    ping.delay(value)
    deadline = time.monotonic() + 20
    while cache.get(f"celery-ping:{value}") is None:
        assert time.monotonic() < deadline, f"no answer ({celery_worker_live})"
        time.sleep(0.1)
    assert cache.get(f"celery-ping:{value}") == f"pong:{value}"
    assert celery_worker_live == ("eager" if settings.CELERY_BROKER_URL == "memory://" else "worker")


def test_celery_is_eager_without_a_broker_and_uses_it_when_set(settings):
    from lms.celery import app

    assert app.conf.timezone == "Asia/Tokyo"
    assert app.conf.broker_url == settings.CELERY_BROKER_URL


def test_no_task_waits_on_a_result_backend():
    """A Redis result backend made every publish subscribe to the result and, with Redis down, retry ~19 s."""
    from lms.celery import app

    app.loader.import_default_modules()
    assert app.conf.result_backend is None
    assert app.conf.task_ignore_result is True
    ours = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert ours and all(t.ignore_result for t in ours), [t.name for t in ours if not t.ignore_result]
    # Publishing from a request is bounded: 1 s to connect, one quick retry.
    assert app.conf.broker_connection_timeout <= 1
    assert app.conf.task_publish_retry_policy["max_retries"] <= 1
