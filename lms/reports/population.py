"""Importing the official per-municipality population (総務省「住民基本台帳に基づく人口、人口動態及び世帯数」).

The file is checked whole before anything is written: any bad row refuses the import with a message per row, and
nothing is changed. Ward rows (政令指定都市の区) are folded into their city; a city row given as well must equal
the sum of its wards. Prefecture and national figures are never imported: they are sums of the city rows. See
docs/reports-data.md for where to get the file and the columns accepted."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from lms.regions.models import Municipality

from .models import MunicipalityPopulation

CODE_COLUMNS = ("団体コード", "全国地方公共団体コード", "code", "municipality_code")
POPULATION_COLUMNS = ("人口", "総人口", "総数", "計", "population")
MAX_ERRORS_SHOWN = 20


class PopulationImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n…ほか {len(errors) - len(shown)} 件" if len(errors) > len(shown) else ""
        super().__init__("人口ファイルを読み込めませんでした（何も変更していません）。\n" + "\n".join(shown) + more)


@dataclass
class PopulationImport:
    cities: dict[str, int] = field(default_factory=dict)  # city code → residents
    skipped_prefecture_rows: int = 0


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PopulationImportError(["文字コードを判別できません。UTF-8 または Shift_JIS（CP932）の CSV にしてください。"])


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [h.strip().replace(" ", "").replace("\u3000", "") for h in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def parse_population_csv(data: bytes) -> PopulationImport:
    """Read the CSV (header row with a 団体コード column and a 人口 column; lines starting with # are comments)."""
    text = _decode(data)
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].lstrip().startswith("#")]
    if not rows:
        raise PopulationImportError(["ファイルが空です。"])
    header, body = rows[0], rows[1:]
    code_at, population_at = _column(header, CODE_COLUMNS), _column(header, POPULATION_COLUMNS)
    if code_at is None or population_at is None:
        raise PopulationImportError(
            ["1行目に「団体コード」と「人口」の列見出しが必要です（見出し: " + "、".join(header) + "）。"]
        )
    municipalities = {m.code: m for m in Municipality.objects.only("code", "kind", "parent_id")}
    by_five = {code[:5]: code for code in municipalities}
    errors: list[str] = []
    given: dict[str, int] = {}
    result = PopulationImport()
    for line, row in enumerate(body, start=2):
        if all(not cell.strip() for cell in row):
            continue
        raw_code = row[code_at].strip() if code_at < len(row) else ""
        raw_population = row[population_at].strip().replace(",", "") if population_at < len(row) else ""
        if not raw_code.isdigit() or len(raw_code) not in (5, 6):
            errors.append(f"{line}行目: 団体コード「{raw_code}」は5桁または6桁の数字ではありません。")
            continue
        if raw_code[2:5] == "000":  # a prefecture's own row (e.g. 310000): the sum is ours to make
            result.skipped_prefecture_rows += 1
            continue
        code = raw_code if len(raw_code) == 6 else by_five.get(raw_code, raw_code + "?")
        if code not in municipalities:
            errors.append(f"{line}行目: 団体コード「{raw_code}」の市区町村が見つかりません。")
            continue
        if not raw_population.isdigit():
            errors.append(f"{line}行目: 人口「{raw_population}」は0以上の整数ではありません。")
            continue
        if code in given:
            errors.append(f"{line}行目: 団体コード「{raw_code}」が2回出てきます。")
            continue
        given[code] = int(raw_population)
    ward_sums: dict[str, int] = defaultdict(int)
    for code, residents in given.items():
        municipality = municipalities[code]
        if municipality.parent_id:
            ward_sums[municipality.parent_id] += residents
    for code, residents in given.items():
        if municipalities[code].parent_id:
            continue
        if code in ward_sums and ward_sums[code] != residents:
            errors.append(
                f"団体コード「{code}」: 市の人口 {residents:,} 人が区の合計 {ward_sums[code]:,} 人と一致しません。"
            )
        result.cities[code] = residents
    for city, residents in ward_sums.items():
        result.cities.setdefault(city, residents)
    if errors:
        raise PopulationImportError(errors)
    if not result.cities:
        raise PopulationImportError(["市区町村の行がありません。"])
    return result


@transaction.atomic
def import_population(*, data: bytes, as_of: dt.date, source: str) -> PopulationImport:
    """Replace every imported population figure with the file's (all or nothing)."""
    parsed = parse_population_csv(data)
    prefectures = dict(Municipality.objects.filter(code__in=parsed.cities).values_list("code", "prefecture_id"))
    MunicipalityPopulation.objects.all().delete()
    MunicipalityPopulation.objects.bulk_create(
        MunicipalityPopulation(
            municipality_id=code,
            prefecture_code=prefectures[code],
            population=residents,
            as_of=as_of,
            source=source,
        )
        for code, residents in parsed.cities.items()
    )
    from .refresh import mark_data_changed

    mark_data_changed()
    return parsed
