"""お問い合わせ and the operator (APPI): the form stores the message and e-mails the operator once; spam traps
(honeypot, start time) and the rate limit refuse with a Japanese message and store nothing; the operator's name,
address and contact point come only from the admin setting, shown in the footer, the privacy policy and the contact
page, with a clear placeholder while empty."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from wagtail.models import Site

from home import messages as msg
from home.enums import ContactCategory
from home.forms import start_token
from home.models import ContactMessage, OperatorSettings
from home.services import ensure_standard_pages, send_contact_message

pytestmark = pytest.mark.django_db

URL = "/contact/"


def _operator(**fields):
    operator = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(operator, name, value)
    operator.save()
    return operator


def _data(**overrides):
    import time

    data = {
        "category": ContactCategory.COURSE,
        "name": "問合 花子",
        "email": "asker@example.jp",
        "message": "修了証の氏名を直したいです。",
        "website": "",
        "started": start_token(time.time() - 30),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_message_is_stored_and_emailed_once_to_the_operator(client, django_capture_on_commit_callbacks):
    _operator(operator_name="つながりサポーター事務局（テスト）", contact_email="office@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data())
    assert response.status_code == 200
    assert str(msg.CONTACT_SENT) in response.content.decode()
    contact = ContactMessage.objects.get()
    assert (contact.email, contact.name, contact.category) == ("asker@example.jp", "問合 花子", ContactCategory.COURSE)
    assert contact.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["office@example.jp"] and message.reply_to == ["asker@example.jp"]
    assert message.subject.startswith("【つながりサポーター】お問い合わせ：講座・修了証について")
    assert "修了証の氏名を直したいです。" in message.body and "修了証の氏名を直したいです。" in message.alternatives[0][0]
    assert send_contact_message(contact_id=contact.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_without_an_operator_address_the_message_is_kept_not_lost(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _data())
    contact = ContactMessage.objects.get()
    assert contact.emailed_at is None and mail.outbox == []
    _operator(contact_email="office@example.jp")
    assert send_contact_message(contact_id=contact.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"website": "http://spam.example"}, msg.CONTACT_REFUSED),  # the honeypot
        ({"started": None}, msg.CONTACT_EXPIRED),
        ({"started": "forged-token"}, msg.CONTACT_EXPIRED),
        ({"started": 0}, msg.CONTACT_TOO_FAST),  # seconds before now, made into a token in the test
        ({"started": 3 * 60 * 60}, msg.CONTACT_EXPIRED),
        ({"message": ""}, msg.CONTACT_MESSAGE_REQUIRED),
        ({"email": "not-an-address"}, msg.CONTACT_EMAIL_INVALID),
        ({"category": "bogus"}, msg.CONTACT_CATEGORY_REQUIRED),
    ],
)
def test_spam_and_bad_input_are_refused_with_a_message_and_store_nothing(client, overrides, message):
    import time

    if isinstance(overrides.get("started"), int):
        overrides = {**overrides, "started": start_token(time.time() - overrides["started"])}
    response = client.post(URL, _data(**overrides))
    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert ContactMessage.objects.count() == 0 and mail.outbox == []


def test_a_too_long_message_is_refused(client):
    response = client.post(URL, _data(message="あ" * 4001))
    assert response.status_code == 400 and "4000文字以内" in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_the_form_is_rate_limited_per_client(client, settings):
    settings.CONTACT_RATE = "2/h"
    for _ in range(2):
        assert client.post(URL, _data()).status_code == 200
    response = client.post(URL, _data())
    assert response.status_code == 429 and response["Retry-After"]
    assert ContactMessage.objects.count() == 2


def test_the_form_has_no_third_party_captcha_and_a_hidden_trap(client):
    html = client.get(URL).content.decode()
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'aria-hidden="true"' in html
    assert 'name="started"' in html
    assert "recaptcha" not in html.lower() and "hcaptcha" not in html.lower() and "turnstile" not in html.lower()
    assert "110" in html and "119" in html


def test_operator_details_are_a_placeholder_until_an_admin_fills_them(client):
    ensure_standard_pages()
    for url in ("/", "/privacy/", URL):
        html = client.get(url).content.decode()
        assert "運営者の情報は準備中です" in html or "準備中です（管理者が設定するまで表示されません）" in html, url
    _operator(operator_name="架空 運営機関", postal_address="東京都千代田区テスト1-1", contact_point="個人情報担当", contact_phone="03-0000-0000")
    footer = client.get("/").content.decode()
    assert "運営：架空 運営機関（東京都千代田区テスト1-1）" in footer and 'href="/contact/"' in footer
    privacy = client.get("/privacy/").content.decode()
    assert "架空 運営機関" in privacy and "東京都千代田区テスト1-1" in privacy and "個人情報担当" in privacy
    assert 'href="tel:0300000000"' in privacy
    for words in ("開示", "訂正", "削除", "利用の停止"):
        assert words in privacy
    assert re.search(r'href="/contact/"[^>]*>お問い合わせフォーム', privacy)


def test_pages_that_say_contact_us_link_to_the_form(client):
    """Every rendered 「お問い合わせください」 sits in or right after a link to /contact/."""
    ensure_standard_pages()
    for url in ("/", "/faq/", "/terms/", "/privacy/", "/about/", URL):
        html = client.get(url).content.decode()
        for match in re.finditer("お問い合わせ(?:</a>)?(?:ください|フォーム)", html):
            before = html[max(0, match.start() - 120) : match.start()]
            assert 'href="/contact/"' in before, (url, html[match.start() - 120 : match.end()])


@pytest.mark.parametrize("url", ["/no-such-page/", "/faq/", URL])
def test_error_pages_faq_and_contact_say_what_to_do_in_an_emergency(client, url):
    ensure_standard_pages()
    html = client.get(url).content.decode()
    assert "命に関わる緊急のとき" in html
    assert 'href="tel:110"' in html and 'href="tel:119"' in html


def test_the_429_and_500_pages_say_what_to_do_in_an_emergency(client, settings):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    settings.CONTACT_RATE = "0/h"
    html = client.post(URL, _data()).content.decode()
    assert 'href="tel:110"' in html and 'href="tel:119"' in html
    error = render_to_string("500.html", request=RequestFactory().get("/"))
    assert 'href="tel:110"' in error and 'href="tel:119"' in error and 'href="tel:%239999"' in error
