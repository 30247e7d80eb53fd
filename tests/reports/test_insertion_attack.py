"""The insertion attack of the issue, replayed: verified accounts added one at a time to the 80歳以上 registrations of
鳥取市, the refresh job run after each, the 鳥取県 officer reading the screens each time. With exact counts the
original value (2) came out the moment the cell showed a number; with fixed random rounding it must stay unknown."""

from __future__ import annotations

import pytest

from lms.accounts.enums import AgeBand
from lms.regions.models import Municipality
from lms.reports import refresh, selectors
from lms.reports.privacy import fixed_random_round
from tests.accounts.factories import UserFactory

from .attacker import page_method, tables_of
from .report_data import officer

pytestmark = pytest.mark.django_db
BASE = "/admin/reports/regions/"
TOTTORI_CITY, YONAGO_CITY = "312011", "312029"
ATTACK = 14  # accounts added, one per refresh


def _learners(code: str, n: int, age_band: str) -> None:
    city = Municipality.objects.get(code=code)
    for _ in range(n):
        UserFactory(profile__municipality=city, profile__age_band=age_band)


def _cell(tables: dict, caption_start: str, row_label: str, column: int = 1) -> str:
    rows = next(rows for caption, rows in tables.items() if caption.startswith(caption_start))
    return next(row for row in rows if row[0] == row_label)[column]


def _consistent(observations, *, base: int, limit: int, ceiling: int) -> list[int]:
    """Every original count n0 that explains every observation (the j-th after j accounts were added) for some
    rounding offset, under the method the page declares. `ceiling`: the prefecture's exact figure before the attack
    (a municipality cannot have more)."""
    found = []

    def shown(n, offset):
        return base * ((n + offset) // base) if base > 1 else n

    def fits(n, offset, label):
        if label.startswith("<"):
            return shown(n, offset) < limit if base > 1 else 0 < n < limit
        if label == "秘匿":
            # Exact-number reports documented 「秘匿」 of a municipality as "not small" (at least the threshold).
            return True if base > 1 else n >= limit
        return shown(n, offset) == int(label.replace(",", ""))

    for n0 in range(0, ceiling + 1):
        if any(
            all(fits(n0 + j, offset, label) for j, label in observations) for offset in range(max(base, 1))
        ):
            found.append(n0)
    return found


def test_adding_accounts_one_at_a_time_never_reveals_the_original_count(client):
    _learners(TOTTORI_CITY, 30, AgeBand.AGE_30S)
    _learners(TOTTORI_CITY, 2, AgeBand.OVER_80)  # the count the attacker wants
    _learners(YONAGO_CITY, 3, AgeBand.OVER_80)
    refresh.refresh()
    fy = selectors.current_fiscal_year()
    client.force_login(officer(prefecture="31"))
    city = Municipality.objects.get(code=TOTTORI_CITY)
    observations, prefecture_before = [], None
    for j in range(ATTACK + 1):
        if j:
            UserFactory(profile__municipality=city, profile__age_band=AgeBand.OVER_80)  # verified, consenting
            refresh.refresh()
        html = client.get(f"{BASE}muni/{TOTTORI_CITY}/?fy={fy}").content.decode()
        base, limit = page_method(html)
        observations.append((j, _cell(tables_of(html), "年代別", "80歳以上")))
        prefecture = tables_of(client.get(f"{BASE}pref/31/?fy={fy}").content.decode())
        exact = int(_cell(prefecture, "年代別", "80歳以上"))
        assert exact == 5 + j  # the prefecture's figure is exact and moves with every account
        prefecture_before = prefecture_before if prefecture_before is not None else exact
    if base > 1:
        assert any(label[0].isdigit() for _j, label in observations)  # the cell did come out of hiding
    possible = _consistent(observations, base=base, limit=limit, ceiling=prefecture_before)
    assert 2 in possible  # the attacker's model is right …
    assert len(possible) >= 2, (observations, possible)  # … and the original count stays unknown


@pytest.mark.parametrize("base", [5])
def test_fixed_random_rounding_reveals_only_count_plus_offset(base):
    """For every original count 1..9 and every offset, the whole sequence of shown values while accounts are added
    is the same as for a neighbouring count with a neighbouring offset: the attack learns count + offset only."""
    def sequence(n0, offset):
        return [base * ((n0 + j + offset) // base) for j in range(40)]

    for n0 in range(1, 10):  # (0 pinned at 0 discloses nobody)
        for offset in range(base):
            twins = [
                (m, o) for m in range(0, 15) for o in range(base) if (m, o) != (n0, offset)
                and sequence(m, o) == sequence(n0, offset)
            ]
            assert twins, (n0, offset)
            assert all(m + o == n0 + offset for m, o in twins)
    # and the production function is this rounding, with a fixed draw per cell
    values = {fixed_random_round(n, "fy2026|312011:age:80plus:0", base) - n for n in range(100)}
    assert values <= set(range(-(base - 1), base)) and len({fixed_random_round(7, f"c{i}", base) for i in range(50)}) == 2
