import datetime as dt

import pytest
from django.core.management import call_command

from lms.regions.enums import MunicipalityKind
from lms.regions.models import Municipality, Prefecture, RegionListVersion
from lms.regions.services import (
    RegionListError,
    apply_region_list,
    check_digit,
    is_valid_code,
    load_official_csv,
    load_packaged_regions,
    package_rows,
    parse_official_csv,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_load_regions_twice_gives_47_prefectures_and_every_municipality_once(capsys):
    call_command("load_regions")
    call_command("load_regions")
    assert Prefecture.objects.count() == 47
    # 1,718 市町村 + 23 特別区 = 1,741 municipalities, plus 171 wards of designated cities (浜松市: 3 since 2024).
    assert Municipality.objects.active().exclude(kind=MunicipalityKind.WARD).count() == 1741
    assert Municipality.objects.active().filter(kind=MunicipalityKind.WARD).count() == 171
    assert Municipality.objects.active().filter(kind=MunicipalityKind.SPECIAL_WARD).count() == 23
    assert Municipality.objects.active().filter(kind=MunicipalityKind.DESIGNATED_CITY).count() == 20
    assert Municipality.objects.values("code").distinct().count() == Municipality.objects.count()
    assert "変更はありません" in capsys.readouterr().out


def test_every_code_carries_a_valid_check_digit():
    assert all(is_valid_code(code) for code in Municipality.objects.values_list("code", flat=True))
    assert check_digit("01100") == "2"  # 札幌市 011002
    assert check_digit("22130") == "9"  # 浜松市 221309


def test_wards_of_designated_cities_belong_to_their_city():
    ward = Municipality.objects.get(name="札幌市中央区")
    assert ward.kind == MunicipalityKind.WARD
    assert ward.parent.name == "札幌市"
    assert ward.city == ward.parent
    assert Municipality.objects.get(code="011002").kind == MunicipalityKind.DESIGNATED_CITY
    assert Municipality.objects.get(name="千代田区").kind == MunicipalityKind.SPECIAL_WARD
    assert Municipality.objects.get(name="千代田区").parent is None


def test_hamamatsu_2024_ward_reorganisation_is_applied():
    hamamatsu = Municipality.objects.get(code="221309")
    active = set(hamamatsu.wards.active().values_list("name", flat=True))
    assert active == {"浜松市中央区", "浜松市浜名区", "浜松市天竜区"}
    assert Municipality.objects.get(name="浜松市天竜区", is_active=True).code == "221406"


def test_a_database_that_had_the_2019_wards_keeps_them_inactive_after_the_update():
    # A database loaded before the reorganisation: the 2019 list exactly as shipped.
    apply_region_list(package_rows(), source="2019 list", as_of=dt.date(2019, 5, 1), force=True)
    old = Municipality.objects.get(code="221317")  # 浜松市中区
    assert old.is_active
    learner = UserFactory(profile__municipality=old)

    result = load_packaged_regions()
    assert result.version.deactivated == 7 and result.version.reactivated == 3
    old.refresh_from_db()
    assert old.is_active is False and old.deactivated_on == dt.date(2024, 1, 1)
    learner.profile.refresh_from_db()
    assert learner.profile.municipality_id == "221317"  # nothing is deleted: the learner keeps their region


def test_selectable_municipalities_exclude_wards_and_inactive():
    names = set(Municipality.objects.selectable().in_prefecture("22").values_list("name", flat=True))
    assert "浜松市" in names
    assert "浜松市中央区" not in names
    assert "浜松市中区" not in names


def test_the_list_date_and_source_are_recorded():
    version = RegionListVersion.objects.latest()
    assert version.as_of == dt.date(2024, 1, 1)
    assert "japan-address" in version.source and "2019-05-01" in version.source


def _official_csv(rows, encoding="utf-8-sig", *, drop=()):
    lines = ["全国地方公共団体コード（テスト）", "団体コード,都道府県名\n（漢字）,市区町村名\n（漢字）,都道府県名\n（カナ）,市区町村名\n（カナ）"]
    header = '団体コード,"都道府県名\n（漢字）","市区町村名\n（漢字）","都道府県名\n（カナ）","市区町村名\n（カナ）"'
    lines[1] = header
    for code, pref, name in rows:
        if code in drop:
            continue
        lines.append(f"{code},{pref},{name},,")
    return "\r\n".join(lines).encode(encoding)


def _current_rows():
    return [
        (m.code, m.prefecture.name, m.name)
        for m in Municipality.objects.active().select_related("prefecture")
    ]


def test_a_newer_official_csv_marks_vanished_codes_inactive_without_deleting_them():
    village = Municipality.objects.get(code="014257")  # 北海道 新篠津村 stands in for a merged municipality
    resident = UserFactory(profile__municipality=village)
    data = _official_csv(_current_rows(), drop={"014257"})
    result = load_official_csv(data, as_of=dt.date(2026, 4, 1), source="test list")
    village.refresh_from_db()
    assert result.version.deactivated == 1
    assert village.is_active is False and village.deactivated_on == dt.date(2026, 4, 1)
    resident.profile.refresh_from_db()
    assert resident.profile.municipality_id == "014257"  # the learner keeps their region
    # Loading the packaged (older) list afterwards does not bring it back.
    skipped = load_packaged_regions()
    assert skipped.version is None and "より新しい一覧" in skipped.skipped_reason
    village.refresh_from_db()
    assert village.is_active is False


def test_official_csv_saved_by_japanese_excel_is_read():
    rows = parse_official_csv(_official_csv([("011002", "北海道", "札幌市"), ("010006", "北海道", "")], "cp932"))
    assert [(r.code, r.name) for r in rows] == [("011002", "札幌市"), ("010006", "")]


def test_a_partial_list_is_refused_and_changes_nothing():
    before = Municipality.objects.active().count()
    rows = [row for row in _current_rows() if not row[2].endswith("町")]  # every town missing: a partial file
    with pytest.raises(RegionListError, match="失効します"):
        load_official_csv(_official_csv(rows), as_of=dt.date(2026, 4, 1), source="partial")
    assert Municipality.objects.active().count() == before


def test_a_wrong_check_digit_is_refused_with_the_line_number():
    data = _official_csv([("011003", "北海道", "札幌市")])
    with pytest.raises(RegionListError, match="3 行目"):
        parse_official_csv(data)


def test_command_reports_a_bad_file_in_japanese(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("no header here\n1,2,3\n", encoding="utf-8")
    with pytest.raises(Exception, match="見出し行"):
        call_command("load_regions", csv=path, as_of="2026-04-01")
