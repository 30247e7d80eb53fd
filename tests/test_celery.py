import pytest

from lms.tasks import ping


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_round_trip_through_the_configured_broker(celery_worker_live, settings):
    """Eager on the embedded default; through the real Redis broker and a real worker when REDIS_URL is set."""
    result = ping.delay("ok")
    assert result.get(timeout=20) == "pong:ok"
    if settings.REDIS_URL:
        assert celery_worker_live == "worker"
        assert result.backend.__class__.__name__ == "RedisBackend"
    else:
        assert celery_worker_live == "eager"


def test_celery_is_eager_without_redis_and_uses_redis_when_set(settings):
    from lms.celery import app

    assert app.conf.timezone == "Asia/Tokyo"
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
    else:
        assert app.conf.broker_url == "memory://"
