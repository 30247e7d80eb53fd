"""The data migration that moves seeded pages to the one set of words (章 / 確認問題 / 失効)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from home.models import HomePage, StandardPage
from home.services import ensure_standard_pages

pytestmark = pytest.mark.django_db

migration = importlib.import_module("home.migrations.0008_terminology_chapters_quiz_revoked")


def test_old_seeded_words_are_replaced_in_pages_and_their_latest_revision():
    ensure_standard_pages()
    terms = StandardPage.objects.get(slug="terms")
    old_body = [
        {"type": "text", "value": "<p>すべての単元を修了した方に発行します。誤って発行された修了証は、取り消すことがあります。取り消された修了証は、確認ページで「取消」と表示されます。確認テストを操作しないこと。</p>"}
    ]
    terms.body = old_body
    terms.save()
    terms.save_revision()
    home = HomePage.objects.get(depth=2)
    HomePage.objects.filter(pk=home.pk).update(cta_text="8つの単元を順に学び、各単元の最後に確認テストがあります。")

    migration.forwards(apps, None)

    terms.refresh_from_db()
    html = terms.body.render_as_block()
    assert "単元" not in html and "確認テスト" not in html and "取消" not in html
    assert "すべての章" in html and "失効した修了証" in html and "「失効」" in html and "確認問題" in html
    revision_text = str(terms.latest_revision.content)
    assert "単元" not in revision_text and "取消" not in revision_text
    assert HomePage.objects.get(pk=home.pk).cta_text == "8つの章を順に学び、各章の最後に確認問題があります。"
