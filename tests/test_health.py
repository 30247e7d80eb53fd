from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_component(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["cache"]["ok"] and data["broker"]["ok"]
    expected_broker = "eager" if settings.CELERY_BROKER_URL == "memory://" else "redis"
    assert data["broker"]["detail"] == expected_broker


def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch("lms.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["database"] == {"ok": False, "detail": "OperationalError"}


def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from lms.celery import app

    with mock.patch.object(app, "connection_for_write", side_effect=ConnectionRefusedError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
