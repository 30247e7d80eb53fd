"""Loading the official region lists. One function decides how a list is applied: `apply_region_list`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .enums import MunicipalityKind
from .models import Municipality, Prefecture, RegionListVersion

# The date of the 総務省 list shipped by japan-address 0.7.2 (its README: 「令和元年5月1日更新」).
PACKAGE_LIST_DATE = dt.date(2019, 5, 1)
AMENDMENTS_FILE = Path(__file__).parent / "data" / "amendments.csv"
# A newer list that would retire more than this share of the active municipalities is refused unless asked for:
# it is far more likely to be a partial file than a wave of mergers.
MASS_DEACTIVATION_SHARE = 0.05
TOKYO = "13"


class RegionListError(Exception):
    """A list that cannot be applied; the message says why, in Japanese."""


@dataclass(frozen=True)
class RegionRow:
    code: str  # six digits with check digit
    prefecture: str
    name: str  # "" for a prefecture's own row in the official list
    county: str = ""


@dataclass(frozen=True)
class LoadResult:
    version: RegionListVersion | None
    skipped_reason: str = ""


def check_digit(code5: str) -> str:
    """The check digit of a five-digit 地方公共団体コード (総務省 rule: weights 6..2, modulus 11)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def is_valid_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == code[5]


def package_rows() -> list[RegionRow]:
    """The municipality list shipped by the japan-address package (総務省, 2019-05-01)."""
    text = resources.files("japan_address").joinpath("data/local_government.csv").read_text(encoding="utf-8-sig")
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        rows.append(
            RegionRow(
                code=record["コード"].strip(),
                prefecture=record["都道府県"].strip(),
                name=record["市区町村"].strip(),
                county=record["郡"].strip(),
            )
        )
    return rows


def apply_amendments(rows: list[RegionRow], *, after: dt.date) -> tuple[list[RegionRow], dt.date | None]:
    """Apply the recorded official changes dated after `after` (e.g. 浜松市's 2024 wards). Returns the rows and the
    date of the last change applied."""
    by_code = {row.code: row for row in rows}
    last = None
    with AMENDMENTS_FILE.open(encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            date = dt.date.fromisoformat(record["基準日"])
            if date <= after:
                continue
            code = record["団体コード"]
            if not is_valid_code(code):
                raise RegionListError(_("改正記録の団体コード %(code)s が正しくありません。") % {"code": code})
            if record["操作"] == "remove":
                by_code.pop(code, None)
            else:
                by_code[code] = RegionRow(code=code, prefecture=record["都道府県名"], name=record["市区町村名"])
            last = max(last, date) if last else date
    return list(by_code.values()), last


_HEADER_ALIASES = {
    "code": ("団体コード", "コード", "code"),
    "prefecture": ("都道府県名（漢字）", "都道府県名(漢字)", "都道府県名", "都道府県"),
    "name": ("市区町村名（漢字）", "市区町村名(漢字)", "市区町村名", "市区町村"),
}


def _normalise_header(value: str) -> str:
    return "".join(value.split())  # the official file breaks headers over lines: 「都道府県名\n（漢字）」


def parse_official_csv(data: bytes) -> list[RegionRow]:
    """Read the 総務省 list saved as CSV (UTF-8 with or without BOM, or Shift_JIS/CP932 as Excel saves it).

    Both sheets of the official workbook (all municipalities, and the designated cities with their wards) may be
    concatenated; repeated rows are merged. Prefecture rows (empty municipality name) are used for names only."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegionListError(_("CSV の文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）。"))

    reader = csv.reader(io.StringIO(text))
    columns: dict[str, int] | None = None
    rows: dict[str, RegionRow] = {}
    for line_no, record in enumerate(reader, start=1):
        cells = [_normalise_header(c) if columns is None else c.strip() for c in record]
        if columns is None:
            found = {}
            for key, aliases in _HEADER_ALIASES.items():
                for alias in aliases:
                    if alias in cells:
                        found[key] = cells.index(alias)
                        break
            if len(found) == 3:
                columns = found
            continue  # title lines before the header are skipped
        if not any(cells):
            continue
        code = cells[columns["code"]]
        if code == "団体コード" or code == "":
            continue  # the header of the second sheet, pasted below the first
        if not is_valid_code(code):
            raise RegionListError(
                _("%(line)d 行目: 団体コード「%(code)s」が正しくありません（6桁、末尾は検査数字）。")
                % {"line": line_no, "code": code}
            )
        rows[code] = RegionRow(code=code, prefecture=cells[columns["prefecture"]], name=cells[columns["name"]])
    if columns is None:
        raise RegionListError(_("見出し行（団体コード・都道府県名・市区町村名）が見つかりません。"))
    return list(rows.values())


def _classify(rows: Iterable[RegionRow]) -> list[tuple[RegionRow, str, str | None]]:
    """(row, kind, parent code) for each municipality row; prefecture rows are dropped."""
    municipal = [row for row in rows if row.name]
    cities_by_pref: dict[str, list[RegionRow]] = {}
    for row in municipal:
        if row.name.endswith("市"):
            cities_by_pref.setdefault(row.code[:2], []).append(row)

    result = []
    designated: set[str] = set()
    for row in municipal:
        pref = row.code[:2]
        if row.name.endswith("区") and pref == TOKYO:
            result.append((row, MunicipalityKind.SPECIAL_WARD, None))
        elif row.name.endswith("区"):
            candidates = [c for c in cities_by_pref.get(pref, []) if row.name.startswith(c.name)]
            if not candidates:
                raise RegionListError(
                    _("区「%(name)s」（%(code)s）の属する市が一覧にありません。") % {"name": row.name, "code": row.code}
                )
            parent = max(candidates, key=lambda c: len(c.name))
            designated.add(parent.code)
            result.append((row, MunicipalityKind.WARD, parent.code))
        elif row.name.endswith("市"):
            result.append((row, MunicipalityKind.CITY, None))
        elif row.name.endswith("町"):
            result.append((row, MunicipalityKind.TOWN, None))
        elif row.name.endswith("村"):
            result.append((row, MunicipalityKind.VILLAGE, None))
        else:
            raise RegionListError(_("「%(name)s」の種別（市・区・町・村）を判別できません。") % {"name": row.name})
    return [
        (row, MunicipalityKind.DESIGNATED_CITY if row.code in designated else kind, parent)
        for row, kind, parent in result
    ]


@transaction.atomic
def apply_region_list(
    rows: list[RegionRow],
    *,
    source: str,
    as_of: dt.date,
    force: bool = False,
    allow_mass_deactivation: bool = False,
) -> LoadResult:
    """Bring the database to the given full list. Idempotent: applying the same list twice changes nothing.

    Municipalities missing from the list are marked inactive (never deleted: learners, workshops and reports keep
    their region). A list older than the one already loaded is skipped unless `force` is given."""
    latest = RegionListVersion.objects.order_by("-as_of", "-loaded_at").first()
    if latest and latest.as_of > as_of and not force:
        return LoadResult(
            version=None,
            skipped_reason=_("より新しい一覧（%(date)s 時点）が読み込み済みのため、%(old)s 時点の一覧は適用しません。")
            % {"date": latest.as_of.isoformat(), "old": as_of.isoformat()},
        )

    classified = _classify(rows)
    prefecture_names = {}
    for row in rows:
        prefecture_names.setdefault(row.code[:2], row.prefecture)
    if len(prefecture_names) != 47:
        raise RegionListError(
            _("都道府県が %(count)d 件しかありません。47 都道府県すべてを含む一覧を指定してください。")
            % {"count": len(prefecture_names)}
        )

    for code, name in prefecture_names.items():
        Prefecture.objects.update_or_create(code=code, defaults={"name": name})

    existing = {m.code: m for m in Municipality.objects.all()}
    listed_codes = {row.code for row, _kind, _parent in classified}
    active_codes = {code for code, m in existing.items() if m.is_active}
    vanished = active_codes - listed_codes
    if active_codes and len(vanished) > MASS_DEACTIVATION_SHARE * len(active_codes) and not allow_mass_deactivation:
        raise RegionListError(
            _(
                "この一覧を適用すると %(count)d 件の市区町村が失効します。一部だけの一覧ではありませんか。"
                "意図どおりなら --allow-mass-deactivation を付けてください。"
            )
            % {"count": len(vanished)}
        )

    added = reactivated = 0
    to_create, to_update = [], []
    # Cities before wards, so a ward's parent exists when it is written.
    for row, kind, parent in sorted(classified, key=lambda item: item[1] == MunicipalityKind.WARD):
        current = existing.get(row.code)
        values = {
            "prefecture_id": row.code[:2],
            "name": row.name,
            "county": row.county,
            "kind": kind,
            "parent_id": parent,
        }
        if current is None:
            to_create.append(Municipality(code=row.code, is_active=True, first_listed_on=as_of, **values))
            added += 1
            continue
        changed = any(getattr(current, field) != value for field, value in values.items())
        if not current.is_active:
            reactivated += 1
            current.is_active, current.deactivated_on, changed = True, None, True
        if changed:
            for field, value in values.items():
                setattr(current, field, value)
            to_update.append(current)

    cities = [m for m in to_create if m.kind != MunicipalityKind.WARD]
    Municipality.objects.bulk_create(cities)
    Municipality.objects.bulk_create([m for m in to_create if m.kind == MunicipalityKind.WARD])
    Municipality.objects.bulk_update(
        to_update, ["prefecture_id", "name", "county", "kind", "parent_id", "is_active", "deactivated_on"]
    )
    if vanished:
        Municipality.objects.filter(code__in=vanished).update(is_active=False, deactivated_on=as_of)

    if latest and (latest.source, latest.as_of) == (source, as_of) and not (to_create or to_update or vanished):
        return LoadResult(version=None, skipped_reason=_("この一覧（%(date)s 時点）は読み込み済みで、変更はありません。") % {"date": as_of.isoformat()})

    version_row = RegionListVersion.objects.create(
        source=source,
        as_of=as_of,
        prefecture_count=len(prefecture_names),
        municipality_count=len(listed_codes),
        added=added,
        deactivated=len(vanished),
        reactivated=reactivated,
    )
    return LoadResult(version=version_row)


def load_packaged_regions(*, force: bool = False) -> LoadResult:
    """The default list: japan-address's 総務省 list (2019-05-01) with the recorded later changes applied."""
    rows, amended_to = apply_amendments(package_rows(), after=PACKAGE_LIST_DATE)
    as_of = amended_to or PACKAGE_LIST_DATE
    source = f"japan-address {version('japan-address')}（総務省 {PACKAGE_LIST_DATE:%Y-%m-%d} 版）"
    if amended_to:
        source += f"＋改正記録（{amended_to:%Y-%m-%d} まで）"
    return apply_region_list(rows, source=source, as_of=as_of, force=force)


def load_official_csv(data: bytes, *, as_of: dt.date, source: str, **options) -> LoadResult:
    return apply_region_list(parse_official_csv(data), source=source, as_of=as_of, **options)
