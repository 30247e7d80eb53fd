"""Queue background work so that a broker outage neither blocks a request nor loses the work (issue 15).

`enqueue(task, *args, key=…)` inside a transaction writes an OutboxMessage row with the change, and after commit
publishes the task (bounded: CELERY_BROKER_CONNECTION_TIMEOUT and CELERY_TASK_PUBLISH_RETRY_POLICY) and deletes the
row. If the broker does not take it the row stays, and this process does not try the broker again for
BROKER_RETRY_AFTER seconds (so a request that queues several tasks waits for one timeout at most); `drain()` (beat,
every 30 s) publishes what is left, oldest first, when the broker is back. Outside a transaction the row is written
and published at once. Every task queued this way must be idempotent (a crash between publishing and deleting the
row publishes it again)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_RETRY_AFTER = 10.0  # seconds this process leaves the broker alone after a failed publish
DRAIN_MIN_AGE = dt.timedelta(seconds=10)  # rows younger than this are still being published by their request

_broker_down_until = 0.0


def _task(name: str):
    from lms.celery import app

    return app.tasks[name]


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def _mark_broker_down(exc: BaseException) -> None:
    global _broker_down_until
    if not broker_marked_down():
        logger.warning("Broker did not take a task (%s); kept in the outbox for %.0f s.", type(exc).__name__, BROKER_RETRY_AFTER)
    _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER


def forget_broker_state() -> None:
    """Try the broker again at the next publish (tests; after the broker is known to be back)."""
    global _broker_down_until
    _broker_down_until = 0.0


def enqueue(task, *args, key: str, **kwargs) -> None:
    """Record `task(*args, **kwargs)` under `key` (unique: the same work recorded twice is one row) and publish it
    after the current transaction commits."""
    name = task if isinstance(task, str) else task.name
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(key=key, task=name, args=list(args), kwargs=kwargs)], ignore_conflicts=True
    )
    transaction.on_commit(lambda: _publish_after_commit(key, name, list(args), kwargs))


def _publish(name: str, args: list, kwargs: dict) -> None:
    _task(name).apply_async(args=args, kwargs=kwargs)


def _publish_after_commit(key: str, name: str, args: list, kwargs: dict) -> None:
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if not eager and broker_marked_down():
        return  # left in the outbox; drain() publishes it
    try:
        _publish(name, args, kwargs)
    except Exception as exc:
        if eager:  # the task itself ran here and failed: nothing to publish later (its own sweep, if any, retries)
            logger.exception("Task %s (%s) failed", name, key)
        else:
            _mark_broker_down(exc)
            _note_failure(key, exc)
            return
    OutboxMessage.objects.filter(key=key).delete()


def _note_failure(key: str, exc: BaseException) -> None:
    try:
        OutboxMessage.objects.filter(key=key).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
    except Exception:  # noqa: BLE001  (the row is kept either way)
        logger.exception("Could not note the failed publish of %s", key)


def drain(*, limit: int = 500, min_age: dt.timedelta = DRAIN_MIN_AGE) -> dict:
    """Publish what the outbox holds (oldest first) and delete what the broker took; stop at the first failure (the
    broker is still down; the next run goes on). Rows are locked while published (SKIP LOCKED on PostgreSQL), so two
    drains never publish the same row at once. Returns {"published": n, "left": n}."""
    forget_broker_state()
    published = 0
    cutoff = timezone.now() - min_age
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(created_at__lte=cutoff).order_by("id")[:limit]
        )
        done = []
        for row in rows:
            try:
                _publish(row.task, row.args, row.kwargs)
            except Exception as exc:
                if settings.CELERY_TASK_ALWAYS_EAGER:
                    logger.exception("Task %s (%s) failed", row.task, row.key)
                    done.append(row.pk)
                    continue
                _mark_broker_down(exc)
                OutboxMessage.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
                )
                break
            done.append(row.pk)
            published += 1
        OutboxMessage.objects.filter(pk__in=done).delete()
    return {"published": published, "left": OutboxMessage.objects.count()}
