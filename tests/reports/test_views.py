"""Access to every report screen and export, for every role (docs/reports.md, docs/access-policy.md).

A 鳥取県 officer sees 鳥取県 and 鳥取市 but gets nothing for 京都市 — by URL, picker value, export link or any other
parameter; a 鳥取市 officer sees only 鳥取市; a national officer and a superuser see everything; anonymous users,
learners, trainers and employer admins see no report at all."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from lms.accounts.enums import OrganisationKind, Role
from lms.accounts.models import Organisation
from lms.reports import messages
from lms.reports.wagtail_hooks import register_region_reports_menu_item

from .report_data import (
    FY,
    KYOTO_CITY,
    KYOTO_PREF,
    TOTTORI_CITY,
    TOTTORI_PREF,
    YONAGO_CITY,
    add_learners,
    month,
    officer,
    staff,
)

pytestmark = pytest.mark.django_db

BASE = "/admin/reports/regions/"
SCREENS = {
    "index": BASE,
    "nation": f"{BASE}nation/?fy={FY}",
    "tottori_pref": f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}",
    "tottori_city": f"{BASE}muni/{TOTTORI_CITY}/?fy={FY}",
    "kyoto_pref": f"{BASE}pref/{KYOTO_PREF}/?fy={FY}",
    "kyoto_city": f"{BASE}muni/{KYOTO_CITY}/?fy={FY}",
}
REGIONS = ["nation", "tottori_pref", "tottori_city", "kyoto_pref", "kyoto_city"]
EXPORTS = {
    f"{name}_{fmt}": SCREENS[name].replace("/?fy=", f"/export/?format={fmt}&fy=")
    for name in REGIONS
    for fmt in ("csv", "xlsx")
}
# A marker only 京都市's figures produce (its registered count), to prove no Kyoto number leaks anywhere.
KYOTO_REGISTERED = 4321


@pytest.fixture
def figures(db):
    add_learners(
        TOTTORI_CITY, month(4), registered=120, started=80, completed_online=30, completed_workshop=25
    )
    add_learners(YONAGO_CITY, month(6), registered=60, started=40, completed_online=12, completed_workshop=11)
    add_learners(KYOTO_CITY, month(5), registered=KYOTO_REGISTERED, started=2000, completed_online=900)


def _employer_admin():
    organisation = Organisation.objects.create(name="テスト商事", kind=OrganisationKind.EMPLOYER)
    return staff(Role.EMPLOYER_ADMIN, organisation=organisation)


USERS = {
    "learner": lambda: staff(None),
    "trainer": lambda: staff(Role.TRAINER, municipality=TOTTORI_CITY),
    "employer_admin": _employer_admin,
    "tottori_pref_officer": lambda: officer(prefecture=TOTTORI_PREF),
    "tottori_city_officer": lambda: officer(municipality=TOTTORI_CITY),
    "national_officer": lambda: officer(is_national=True),
    "superuser": lambda: _superuser(),
}


def _superuser():
    user = staff(None)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


ALLOWED = {
    "learner": set(),
    "trainer": set(),
    "employer_admin": set(),
    "tottori_pref_officer": {"index", "tottori_pref", "tottori_city"},
    "tottori_city_officer": {"index", "tottori_city"},
    "national_officer": {"index", *REGIONS},
    "superuser": {"index", *REGIONS},
}


def _allowed_export(role, name):
    return name.rsplit("_", 1)[0] in ALLOWED[role]


@pytest.mark.parametrize("name", [*SCREENS, *EXPORTS])
def test_anonymous_users_are_sent_to_log_in(client, figures, name):
    response = client.get({**SCREENS, **EXPORTS}[name])
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_sees_exactly_its_screens(client, figures, role):
    client.force_login(USERS[role]())
    for name, url in SCREENS.items():
        response = client.get(url)
        expected = 200 if name in ALLOWED[role] else 403
        assert response.status_code == expected, (role, name, response.status_code)
        if expected == 403:
            assert b"<table" not in response.content
        if name.startswith("kyoto") and expected == 403:
            assert f"{KYOTO_REGISTERED:,}".encode() not in response.content


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_downloads_exactly_its_exports(client, figures, role):
    client.force_login(USERS[role]())
    for name, url in EXPORTS.items():
        response = client.get(url)
        if _allowed_export(role, name):
            assert response.status_code == 200, (role, name)
            assert "attachment" in response["Content-Disposition"]
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert "Content-Disposition" not in response


def test_prefecture_officer_gets_nothing_of_kyoto_through_tampered_parameters(client, figures):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    # Extra parameters are ignored: the region comes from the path alone.
    for url in (
        f"{BASE}muni/{TOTTORI_CITY}/?fy={FY}&region=muni:{KYOTO_CITY}&code={KYOTO_CITY}",
        f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}&prefecture={KYOTO_PREF}",
        f"{BASE}muni/{TOTTORI_CITY}/export/?format=csv&fy={FY}&municipality={KYOTO_CITY}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "京都".encode() not in response.content
        assert str(KYOTO_REGISTERED).encode() not in response.content
    # The picker refuses a region outside the scope with a message, and redirects nowhere.
    response = client.get(BASE, {"region": f"muni:{KYOTO_CITY}", "fy": FY})
    assert response.status_code == 200
    assert str(messages.CHOOSE_REGION) in response.content.decode()
    response = client.get(BASE, {"region": "nation", "fy": FY})
    assert response.status_code == 200 and str(messages.CHOOSE_REGION) in response.content.decode()
    # A ward of Kyoto, an unknown code and a malformed one: never data.
    for code in ("261017", "999999", "31'--", "3120111"):
        assert client.get(f"{BASE}muni/{code}/").status_code in (403, 404)
        assert client.get(f"{BASE}muni/{code}/export/?format=xlsx").status_code in (403, 404)
    for code in ("99", "3", "310"):
        assert client.get(f"{BASE}pref/{code}/").status_code in (403, 404)


def test_city_officer_cannot_see_its_prefecture_or_neighbours(client, figures):
    client.force_login(officer(municipality=TOTTORI_CITY))
    assert client.get(f"{BASE}pref/{TOTTORI_PREF}/").status_code == 403
    assert client.get(f"{BASE}muni/{YONAGO_CITY}/").status_code == 403
    assert client.get(f"{BASE}muni/{YONAGO_CITY}/export/?format=csv").status_code == 403
    response = client.get(f"{BASE}muni/{TOTTORI_CITY}/?fy={FY}")
    # Its own screen compares with the prefecture and the nation (prefecture-level totals are not suppressed),
    # but never lists the other municipalities.
    assert "米子市".encode() not in response.content


def test_picker_offers_only_the_regions_in_scope_and_redirects_to_the_report(client, figures):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    page = client.get(BASE).content.decode()
    assert f'value="pref:{TOTTORI_PREF}"' in page and f'value="muni:{TOTTORI_CITY}"' in page
    assert f'value="muni:{KYOTO_CITY}"' not in page and 'value="nation"' not in page
    response = client.get(BASE, {"region": f"muni:{TOTTORI_CITY}", "fy": FY})
    assert response.status_code == 302 and response["Location"] == f"{BASE}muni/{TOTTORI_CITY}/?fy={FY}"


@pytest.mark.parametrize("value", ["abc", "1999", "2026.5", "-1", "%00"])
def test_bad_fiscal_year_shows_a_message_and_the_default_year(client, figures, value):
    from lms.reports.selectors import current_fiscal_year

    client.force_login(officer(prefecture=TOTTORI_PREF))
    response = client.get(f"{BASE}muni/{TOTTORI_CITY}/", {"fy": value})
    assert response.status_code == 200
    default = current_fiscal_year()
    assert str(messages.BAD_FISCAL_YEAR).format(fy=default) in response.content.decode()
    assert response.context["report"].fy == default


def test_bad_export_format_or_year_redirects_with_a_message(client, figures):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    response = client.get(f"{BASE}muni/{TOTTORI_CITY}/export/", {"format": "pdf", "fy": FY}, follow=True)
    assert str(messages.BAD_EXPORT_FORMAT) in response.content.decode()
    response = client.get(f"{BASE}muni/{TOTTORI_CITY}/export/", {"format": "csv", "fy": "x"})
    assert response.status_code == 302


def test_menu_item_is_shown_to_officers_and_superusers_only(figures):
    item = register_region_reports_menu_item()
    factory = RequestFactory()
    for role, expected in (
        ("learner", False),
        ("trainer", False),
        ("employer_admin", False),
        ("tottori_city_officer", True),
        ("national_officer", True),
        ("superuser", True),
    ):
        request = factory.get("/admin/")
        request.user = USERS[role]()
        assert item.is_shown(request) is expected, role


def test_exports_are_excel_friendly(client, figures):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    body = client.get(f"{BASE}pref/{TOTTORI_PREF}/export/?format=csv&fy={FY}").content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["登録者", "180"] == rows[[r[:1] for r in rows].index(["登録者"])][:2]
    xlsx = client.get(f"{BASE}pref/{TOTTORI_PREF}/export/?format=xlsx&fy={FY}")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "主な数値" in workbook.sheetnames and "市区町村別" in workbook.sheetnames


def test_nation_screen_has_a_tile_for_each_prefecture_and_the_table(client, figures):
    client.force_login(officer(is_national=True))
    response = client.get(SCREENS["nation"])
    page = response.content.decode()
    assert page.count('class="tile tile--') == 47
    assert "都道府県別（" in page and "鳥取県" in page
    assert 'role="img"' in page


def test_a_city_officers_first_screen_says_registered_started_completed_or_why_hidden(client, figures):
    from bs4 import BeautifulSoup

    client.force_login(officer(municipality=TOTTORI_CITY))
    html = client.get(f"/admin/reports/regions/muni/{TOTTORI_CITY}/?fy={FY}").content.decode()
    summary = BeautifulSoup(html, "html.parser").select_one(".report-summary")
    text = summary.get_text(" ", strip=True)
    assert summary.find_previous("table", class_="report-table") is None  # before any report table
    for label in ("登録者", "受講開始者", "修了者"):
        item = next(d for d in summary.select("dl > div") if d.dt.get_text(strip=True) == label)
        shown = item.dd.get_text(strip=True)
        assert shown[0].isdigit() and "の倍数に丸めた数" in shown or "表示していません" in shown or "伏せて" in shown
    assert "鳥取市の" in text


def test_the_tile_map_is_shaded_by_the_figure_it_shows_with_a_legend(client, figures):
    """Issue 14.3: every tile white was the complaint; the shade follows the number on the tile (completions, as no
    population is loaded), with a legend from 0 to the largest, and the caption says which figure it is."""
    from bs4 import BeautifulSoup

    client.force_login(officer(is_national=True))
    soup = BeautifulSoup(client.get(SCREENS["nation"]).content.decode(), "html.parser")
    tiles = {
        li.select_one(".tile__name").get_text(strip=True): (li["class"][1], li.select_one(".tile__value").get_text())
        for li in soup.select("li.tile")
    }
    assert tiles["京都"] == ("tile--4", "900人")  # the largest figure, the darkest shade
    assert tiles["鳥取"][0] == "tile--1" and tiles["鳥取"][1] != "0人"
    assert tiles["青森"] == ("tile--0", "0人")
    legend = [li.get_text(strip=True) for li in soup.select(".tile-legend li")]
    assert len(legend) == 5 and legend[0] == "0人" and legend[-1].endswith("900人")
    assert "人数" in soup.select_one("#tiles-title").get_text()
