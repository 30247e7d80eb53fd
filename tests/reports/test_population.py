"""Importing per-municipality population: the packaged sample loads, wards fold into their city, prefecture and
nation are sums, and a file with any bad row changes nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lms.reports import selectors
from lms.reports.models import MunicipalityPopulation
from lms.reports.population import PopulationImportError, parse_population_csv

SAMPLE = Path(__file__).resolve().parents[2] / "lms" / "reports" / "data" / "population-SAMPLE-synthetic.csv"


@pytest.fixture
def sample(db):
    call_command("import_population", csv=str(SAMPLE), as_of="2026-01-01")


def test_sample_loads_with_wards_folded_into_the_city(sample):
    okayama = MunicipalityPopulation.objects.get(municipality_id="331007")
    assert okayama.population == 700_000 and str(okayama.as_of) == "2026-01-01"
    assert not MunicipalityPopulation.objects.filter(municipality_id="331015").exists()  # 岡山市北区: in the city
    assert MunicipalityPopulation.objects.get(municipality_id="313025").population == 10_000  # 5-digit code


def test_prefecture_and_nation_are_sums_of_cities(sample):
    tottori = selectors.population(selectors.area_for_prefecture("31"))
    assert tottori == sum(MunicipalityPopulation.objects.filter(prefecture_code="31").values_list("population", flat=True))
    assert selectors.population(selectors.area_for_nation()) == tottori + 700_000
    assert selectors.population(selectors.area_for_municipality("312011")) == 180_000
    assert selectors.population(selectors.area_for_prefecture("13")) is None  # nothing imported for 東京都


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("団体コード,人口\n312011,180000\n999999,5\n", "999999"),
        ("団体コード,人口\n312011,十八万\n", "0以上の整数"),
        ("団体コード,人口\n312011,1\n312011,2\n", "2回"),
        ("コード,人数\n312011,1\n", "列見出し"),
        ("団体コード,人口\n331007,10\n331015,5\n", "一致しません"),
    ],
)
def test_bad_file_is_refused_and_changes_nothing(sample, tmp_path, body, message):
    before = list(MunicipalityPopulation.objects.values_list("municipality_id", "population"))
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_population", csv=str(path))
    assert list(MunicipalityPopulation.objects.values_list("municipality_id", "population")) == before


def test_shift_jis_file_is_read(db):
    parsed = parse_population_csv("団体コード,人口\n312011,\"180,000\"\n".encode("cp932"))
    assert parsed.cities == {"312011": 180_000}


def test_empty_file_is_refused(db):
    with pytest.raises(PopulationImportError):
        parse_population_csv(b"")


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_population", csv=str(SAMPLE), as_of="2026/01/01")
    assert not MunicipalityPopulation.objects.exists()


def test_population_reaches_the_figures_and_tables(sample):
    fy = selectors.current_fiscal_year()
    assert selectors.figures(selectors.area_for_municipality("331007"), fy).population == 700_000
    tottori = dict(selectors.municipality_table("31", fy))
    assert tottori[selectors.area_for_municipality("312011")].population == 180_000
    prefectures = {area.code: summary for area, summary in selectors.prefecture_table(fy)}
    assert prefectures["33"].population == 700_000 and prefectures["13"].population is None
