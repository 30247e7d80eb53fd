"""Synthetic learners for demos and the 1,000,000-learner benchmark (`manage.py synth_learners`). Development and
test only: the `devtools` app is installed by lms.settings.dev and lms.settings.test, never by production, and
`synthesise()` itself refuses to run where demo data is not allowed (`refuse_in_production`).

Real rows — users, profiles, enrolments, module progress, quiz attempts, certificates — written in batches (COPY on
PostgreSQL, executemany on SQLite), without signals; the roll-ups are rebuilt at the end. Every synthetic user has an
address at `@synth.invalid` and an unusable password; `delete_synthetic()` removes them and everything they made.

The progress is a simple model, not a forecast: sign-ups spread over the last 24 months (more recent ones more
often), a funnel that loses learners at every module, quiz questions of varying difficulty so that first attempts
fail at realistic rates and some learners retry, some completions at workshops, certificates for completers (a few
revoked), a few learners who withdrew consent or deleted their account. Places follow imported population when
there is any, else the rough prefecture weights below (about 100,000 residents per unit: weights, not statistics),
and within a prefecture a weight per kind of municipality."""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from lms.reports.refresh import insert_rows

SYNTH_DOMAIN = "synth.invalid"
HISTORY_DAYS = 730

# Rough relative weights by prefecture (≈ residents / 100,000, rounded): for spreading synthetic learners only.
PREFECTURE_WEIGHTS = {
    "01": 51, "02": 12, "03": 12, "04": 23, "05": 9, "06": 10, "07": 18, "08": 28, "09": 19, "10": 19,
    "11": 73, "12": 63, "13": 140, "14": 92, "15": 21, "16": 10, "17": 11, "18": 8, "19": 8, "20": 20,
    "21": 19, "22": 36, "23": 75, "24": 17, "25": 14, "26": 25, "27": 88, "28": 54, "29": 13, "30": 9,
    "31": 5, "32": 6, "33": 18, "34": 27, "35": 13, "36": 7, "37": 9, "38": 13, "39": 7, "40": 51,
    "41": 8, "42": 13, "43": 17, "44": 11, "45": 10, "46": 16, "47": 15,
}  # fmt: skip
KIND_WEIGHTS = {"designated_city": 25.0, "special_ward": 6.0, "city": 4.0, "town": 1.0, "village": 0.3}
AGE_WEIGHTS = {"u20": 5, "20s": 12, "30s": 15, "40s": 20, "50s": 20, "60s": 15, "70s": 10, "80plus": 3}
OCCUPATION_WEIGHTS = {
    "": 25, "medical_welfare": 20, "education": 10, "business": 20, "government": 8, "student": 7, "other": 10,
}  # fmt: skip

P_START = 0.85  # of sign-ups, open module 1
P_WORKSHOP = 0.07  # of sign-ups, complete at a workshop instead
P_ATTEMPT = 0.93  # of learners who open a module, answer its quiz
P_RETRY = 0.8  # after a failed attempt, try again (up to 3 attempts)
P_CONTINUE = 0.95  # after passing, open the next module
P_NO_CONSENT = 0.04
P_UNVERIFIED = 0.03  # signed up but never confirmed the e-mail address: not counted
P_DELETED = 0.01
P_REVOKED = 0.005

COLUMNS = {
    "user": (
        "id", "password", "last_login", "is_superuser", "first_name", "last_name", "is_staff", "is_active",
        "date_joined", "email", "deleted_at",
    ),
    "profile": (
        "user_id", "full_name", "furigana", "municipality_id", "age_band", "occupation", "employer_id",
        "consent_terms_at", "consent_statistics", "consent_employer_share", "created_at", "updated_at",
    ),
    "email": ("user_id", "email", "verified", "primary"),
    "enrolment": ("user_id", "course_id", "started_at", "completed_at", "channel", "workshop_id"),
    "progress": ("user_id", "module_id", "first_viewed_at", "passed_at", "best_score", "attempts_count"),
    "attempt": ("user_id", "module_id", "token", "answers", "results", "presented", "score", "passed", "submitted_at"),
    "certificate": (
        "number", "holder_id", "holder_name", "holder_furigana", "course_id", "course_title", "curriculum_version",
        "source", "workshop_id", "issued_at", "status", "revoked_at", "revoked_reason", "revoked_by_id", "key_id",
        "signature", "name_display", "render_status", "render_error", "rendered_at", "pdf_file", "card_file",
        "personal_data_erased_at", "issued_notice_sent_at", "reissued_at", "reissued_as_id",
        "render_started_at", "card_status", "card_error", "issued_notice_claimed_at",
    ),
}  # fmt: skip


def _models():
    from allauth.account.models import EmailAddress

    from certificates.models import Certificate
    from courses.models import Enrolment, ModuleProgress, QuizAttempt
    from lms.accounts.models import LearnerProfile, User

    return {
        "user": User,
        "profile": LearnerProfile,
        "email": EmailAddress,
        "enrolment": Enrolment,
        "progress": ModuleProgress,
        "attempt": QuizAttempt,
        "certificate": Certificate,
    }


def check_columns() -> None:
    """The column lists above must match the models (a schema change must update this module)."""
    for name, model in _models().items():
        columns = {f.column for f in model._meta.concrete_fields} - {"id"}
        mine = set(COLUMNS[name]) - {"id"}
        if columns != mine:
            raise RuntimeError(f"synth: columns of {model.__name__} changed: {sorted(columns ^ mine)}")


@dataclass
class Question:
    key: str
    p_correct: float
    right: list[str]
    wrong: list[str]


@dataclass
class Module:
    id: int
    pass_mark: int
    questions: list[Question]


def _course(rng: random.Random):
    from courses.models import ModulePage
    from courses.selectors import get_primary_course, live_modules

    course = get_primary_course()
    if course is None:
        return None, []
    ids = list(live_modules(course_path=course.path, depth=course.depth).values_list("id", flat=True))
    pages = ModulePage.objects.in_bulk(ids)
    modules = []
    for module_id in ids:
        page = pages[module_id]
        questions = []
        for block in page.quiz:
            if block.block_type != "question":
                continue
            choices = block.value["choices"].bound_blocks
            right = [c.id for c in choices if c.value["correct"]]
            wrong = [c.id for c in choices if not c.value["correct"]] or right
            # Most questions are easy; a few are unclear (what the per-question report is for).
            p = rng.choice([0.97, 0.95, 0.93, 0.9, 0.85, 0.7])
            questions.append(Question(block.id, p, right, wrong[:1]))
        modules.append(Module(module_id, page.pass_mark, questions))
    return course, modules


def _places(rng: random.Random) -> tuple[list[str], list[float], dict[str, list[str]]]:
    from lms.regions.enums import MunicipalityKind
    from lms.regions.models import Municipality
    from lms.reports.models import MunicipalityPopulation

    populations = dict(MunicipalityPopulation.objects.values_list("municipality_id", "population"))
    municipalities = list(Municipality.objects.active().values_list("code", "prefecture_id", "kind", "parent_id"))
    wards: dict[str, list[str]] = {}
    for code, _pref, kind, parent in municipalities:
        if kind == MunicipalityKind.WARD and parent:
            wards.setdefault(parent, []).append(code)
    selectable = [m for m in municipalities if m[2] != MunicipalityKind.WARD]
    codes, weights = [], []
    if populations:
        for code, _pref, _kind, _parent in selectable:
            if populations.get(code):
                codes.append(code)
                weights.append(float(populations[code]))
    else:
        kind_totals: dict[str, float] = {}
        for _code, pref, kind, _parent in selectable:
            kind_totals[pref] = kind_totals.get(pref, 0.0) + KIND_WEIGHTS.get(kind, 1.0)
        for code, pref, kind, _parent in selectable:
            codes.append(code)
            weights.append(PREFECTURE_WEIGHTS.get(pref, 1) * KIND_WEIGHTS.get(kind, 1.0) / kind_totals[pref])
    return codes, weights, wards


def _reserve_user_ids(count: int) -> list[int]:
    from lms.accounts.models import User

    table = User._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (fixed name)
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _write(name: str, rows: list[tuple]) -> None:
    insert_rows(_models()[name], COLUMNS[name], rows)


class Generator:
    def __init__(self, *, seed: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.run = secrets.token_hex(3)
        self.course, self.modules = _course(self.rng)
        self.codes, self.weights, self.wards = _places(self.rng)
        self.ages, self.age_weights = list(AGE_WEIGHTS), list(AGE_WEIGHTS.values())
        self.occupations, self.occupation_weights = list(OCCUPATION_WEIGHTS), list(OCCUPATION_WEIGHTS.values())
        # Workshop completions only where workshops can exist (attach_workshops makes them under the listing page).
        from events.models import WorkshopIndexPage

        self.workshops = WorkshopIndexPage.objects.exists()

    def _later(self, moment: dt.datetime, mean_hours: float) -> dt.datetime:
        return moment + dt.timedelta(hours=self.rng.expovariate(1 / mean_hours))

    def batch(self, count: int) -> dict[str, list[tuple]]:
        rng, now = self.rng, self.now
        rows: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
        ids = _reserve_user_ids(count)
        places = rng.choices(self.codes, weights=self.weights, k=count)
        ages = rng.choices(self.ages, weights=self.age_weights, k=count)
        occupations = rng.choices(self.occupations, weights=self.occupation_weights, k=count)
        course = self.course
        for user_id, place, age, occupation in zip(ids, places, ages, occupations, strict=True):
            # More recent sign-ups are more frequent (a growing programme).
            joined = now - dt.timedelta(days=HISTORY_DAYS * (1 - rng.random() ** 0.5), seconds=rng.random() * 86400)
            deleted = joined + dt.timedelta(days=30) < now and rng.random() < P_DELETED
            if place in self.wards and rng.random() < 0.1:  # an older profile that still names a ward
                place = rng.choice(self.wards[place])
            rows["user"].append(
                (user_id, "!synthetic", None, False, "", "", False, not deleted, joined,
                 f"u{self.run}{user_id}@{SYNTH_DOMAIN}", now if deleted else None)
            )  # fmt: skip
            rows["profile"].append(
                (user_id, "" if deleted else "合成 受講者", "" if deleted else "ごうせい じゅこうしゃ", place, age,
                 occupation, None, joined, rng.random() >= P_NO_CONSENT, False, joined, joined)
            )  # fmt: skip
            if not deleted:  # a deleted account has no e-mail address left (accounts.services.delete_account)
                email = f"u{self.run}{user_id}@{SYNTH_DOMAIN}"
                rows["email"].append((user_id, email, rng.random() >= P_UNVERIFIED, True))
            if course is not None:
                self._progress(rows, user_id, joined)
        return rows

    def _progress(self, rows, user_id: int, joined: dt.datetime) -> None:
        rng, now, course = self.rng, self.now, self.course
        if self.workshops and rng.random() < P_WORKSHOP:
            attended = joined + dt.timedelta(days=rng.random() * 30)
            if attended < now:
                rows["enrolment"].append((user_id, course.pk, attended, attended, "workshop", None))
                self._certificate(rows, user_id, attended, "workshop")
            return
        if rng.random() >= P_START:
            return
        started = self._later(joined, 24)
        if started >= now:
            return
        moment = started
        passed_all = True
        for number, module in enumerate(self.modules):
            if number:
                moment = self._later(moment, 48)
            if moment >= now:
                passed_all = False
                break
            passed_at, best, attempts = None, None, 0
            if rng.random() < P_ATTEMPT:
                at = moment
                while attempts < 3:
                    at = self._later(at, 0.3 if attempts == 0 else 12)
                    if at >= now:
                        break
                    attempts += 1
                    score, passed = self._attempt(rows, user_id, module, at, attempts)
                    best = max(best or 0, score)
                    if passed:
                        passed_at = at
                        break
                    if rng.random() >= P_RETRY:
                        break
            rows["progress"].append((user_id, module.id, moment, passed_at, best, attempts))
            if passed_at is None:
                passed_all = False
                break
            moment = passed_at
            if rng.random() >= P_CONTINUE:
                passed_all = number == len(self.modules) - 1
                break
        completed = moment if passed_all and self.modules else None
        rows["enrolment"].append((user_id, course.pk, started, completed, "online", None))
        if completed:
            self._certificate(rows, user_id, completed, "online")

    def _attempt(self, rows, user_id: int, module: Module, at: dt.datetime, k: int) -> tuple[int, bool]:
        rng = self.rng
        answers, results = {}, {}
        right = 0
        for question in module.questions:
            correct = rng.random() < question.p_correct
            right += correct
            answers[question.key] = question.right if correct else question.wrong
            results[question.key] = correct
        total = len(module.questions) or 1
        score = 100 * right // total
        passed = right * 100 >= module.pass_mark * total
        rows["attempt"].append(
            (user_id, module.id, f"synth-{self.run}-{user_id}-{module.id}-{k}", json.dumps(answers),
             json.dumps(results), "[]", score, passed, at)  # presented []: answered the whole pool (no draw)
        )  # fmt: skip
        return score, passed

    def _certificate(self, rows, user_id: int, issued: dt.datetime, source: str) -> None:
        course = self.course
        revoked = self.rng.random() < P_REVOKED
        revoked_at = issued + dt.timedelta(days=1) if revoked else None
        if revoked_at and revoked_at > self.now:
            revoked, revoked_at = False, None
        rows["certificate"].append(
            (f"SYN-{self.run}-{user_id}", user_id, "合成 受講者", "ごうせい じゅこうしゃ", course.pk, course.title,
             course.curriculum_version, source, None, issued, "revoked" if revoked else "valid", revoked_at,
             "合成データ" if revoked else "", None, "synthetic", "synthetic", "full", "done", "", issued, "", "",
             None, issued, None, None, None, "done", "", issued)
        )  # fmt: skip


class SyntheticDataRefused(Exception):
    pass


def refuse_in_production() -> None:
    """Synthetic learners in a production database would be counted in official figures: refused wherever demo data
    is not allowed (DEMO_DATA_ALLOWED false, as in lms.settings.base and production) or the settings are the
    production ones, whatever the caller asks."""
    from django.conf import settings

    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if not getattr(settings, "DEMO_DATA_ALLOWED", False) or module.endswith(".production"):
        raise SyntheticDataRefused(
            "合成データは作成・削除できません（本番の設定、または DEMO_DATA_ALLOWED が False の環境では実行できません）。"
            "開発用・検証用の設定（lms.settings.dev / lms.settings.test）で実行してください。"
        )


# On PostgreSQL, learners beyond this many synthetic ones are copied in bulk SQL (clone_synthetic) instead of drawn
# one by one in Python (about 1 ms each, so 17 minutes per million on this machine).
PYTHON_AT_MOST = 100_000


def synthesise(
    *, count: int, seed: int = 1, batch_size: int = 20_000, progress=None, python_at_most: int | None = None
) -> int:
    """Create `count` synthetic learners with their progress. Returns how many were made. On PostgreSQL, once the
    database holds `python_at_most` (PYTHON_AT_MOST) synthetic learners drawn in Python, the rest are copies of
    them made in bulk SQL (clone_synthetic)."""
    refuse_in_production()
    check_columns()
    drawn = count
    if connection.vendor == "postgresql":
        limit = PYTHON_AT_MOST if python_at_most is None else python_at_most
        existing = synthetic_count(originals_only=True)
        drawn = min(count, max(0, limit - existing))
        if drawn == 0 and existing == 0:
            drawn = min(count, batch_size)  # something to copy
    made = _draw(drawn, seed=seed, batch_size=batch_size, progress=progress)
    while made < count:
        made += clone_synthetic(min(count - made, 500_000), seed=seed + made)
        if progress:
            progress(made)
    attach_workshops(seed=seed, now=timezone.now())
    if connection.vendor == "postgresql":  # fresh statistics, or the planner takes a million rows for a hundred
        with connection.cursor() as cursor:
            for model in _models().values():
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return made


def _draw(count: int, *, seed: int, batch_size: int, progress=None) -> int:
    """`count` learners drawn one by one by the Generator, written in batches."""
    if count <= 0:
        return 0
    generator = Generator(seed=seed, now=timezone.now())
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        rows = generator.batch(size)
        with transaction.atomic():
            for name in COLUMNS:
                _write(name, rows[name])
        made += size
        if progress:
            progress(made)
    return made


def synthetic_count(*, originals_only: bool = False) -> int:
    """Synthetic learners in the database (`originals_only`: those drawn in Python, not copies)."""
    from lms.accounts.models import User

    users = User.objects.filter(email__endswith=f"@{SYNTH_DOMAIN}")
    if originals_only:
        users = users.exclude(email__startswith=CLONE_PREFIX)
    return users.count()


# What a copy changes, per table (every other column is copied as it is): the user id, unique texts, and the place,
# age band and occupation, drawn again (each independently, from the synthetic learners' own distribution), so the
# copies fill the roll-up cells as new learners would rather than doubling the same cells.
CLONE_PREFIX = "c"  # the e-mail address of a copy starts with it (an original's with "u")
CLONE_OVERRIDES = {
    "user": {"id": "c.dst", "email": "'c' || %(run)s || c.dst || '@" + SYNTH_DOMAIN + "'"},
    "profile": {
        "user_id": "c.dst",
        "municipality_id": "p_place.municipality_id",
        "age_band": "p_age.age_band",
        "occupation": "p_occ.occupation",
    },
    "email": {"user_id": "c.dst", "email": "'c' || %(run)s || c.dst || '@" + SYNTH_DOMAIN + "'"},
    # A copy's workshop completion gets a workshop (with its registration) from attach_workshops, like an original's.
    "enrolment": {"user_id": "c.dst", "workshop_id": "NULL"},
    "progress": {"user_id": "c.dst"},
    "attempt": {"user_id": "c.dst", "token": "'c' || c.dst || '-' || t.token"},
    "certificate": {"holder_id": "c.dst", "number": "'SYNc' || %(run)s || '-' || c.dst", "workshop_id": "NULL"},
}
CLONE_USER_COLUMN = {
    "user": "id", "profile": "user_id", "email": "user_id", "enrolment": "user_id", "progress": "user_id",
    "attempt": "user_id", "certificate": "holder_id",
}  # fmt: skip


@transaction.atomic
def clone_synthetic(count: int, *, seed: int = 1) -> int:
    """PostgreSQL only: `count` more synthetic learners, each a copy of an existing synthetic learner (taken in id
    order, round and round) with every row they have — profile, address, enrolment, progress, quiz attempts,
    certificate — in one INSERT … SELECT per table, and with the place, age band and occupation drawn again.
    Timestamps are kept (the copies join, learn and complete when their originals did). About 1,300 learners a
    second on the loaded 2-CPU machine (4 times the Python generator's rate there); the column lists are COLUMNS
    (check_columns guards them)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("clone_synthetic needs PostgreSQL")
    check_columns()
    models = _models()
    run = secrets.token_hex(3)
    user_table = models["user"]._meta.db_table
    profile_table = models["profile"]._meta.db_table
    synthetic = (
        f"SELECT id FROM {user_table} WHERE email LIKE '%%@{SYNTH_DOMAIN}' "  # noqa: S608 (fixed names)
        f"AND email NOT LIKE '{CLONE_PREFIX}%%'"
    )
    with connection.cursor() as cursor:
        # setseed takes -1..1: spread the seed over it (seed % 1000 gave every chunk of a run the same draws).
        cursor.execute("SELECT setseed(%s)", [random.Random(seed).random() * 2 - 1])
        cursor.execute(f"SELECT COUNT(*) FROM ({synthetic}) s")  # noqa: S608 (fixed names)
        sources = cursor.fetchone()[0]
        if not sources:
            raise RuntimeError("clone_synthetic: no synthetic learners to copy (make some with synthesise first)")
        cursor.execute("DROP TABLE IF EXISTS synth_clone")
        cursor.execute("DROP TABLE IF EXISTS synth_pool")
        # The originals' (place, age band, occupation), numbered 1..n: each copy draws three numbers independently.
        cursor.execute(
            "CREATE TEMP TABLE synth_pool ON COMMIT DROP AS "  # noqa: S608 (fixed names)
            "SELECT row_number() OVER (ORDER BY p.user_id) AS n, p.municipality_id, p.age_band, p.occupation "
            f"FROM {profile_table} p WHERE p.user_id IN ({synthetic})"
        )
        cursor.execute("CREATE UNIQUE INDEX ON synth_pool (n)")
        cursor.execute(
            "CREATE TEMP TABLE synth_clone ON COMMIT DROP AS "  # noqa: S608 (fixed names)
            f"WITH src AS (SELECT array_agg(id ORDER BY id) AS ids FROM ({synthetic}) s) "
            f"SELECT src.ids[1 + mod(g, {sources})] AS src, "
            f"nextval(pg_get_serial_sequence('{user_table}', 'id')) AS dst, "
            f"1 + floor(random() * {sources})::bigint AS i_place, 1 + floor(random() * {sources})::bigint AS i_age, "
            f"1 + floor(random() * {sources})::bigint AS i_occ "
            "FROM src, generate_series(0, %s - 1) AS g",
            [count],
        )
        cursor.execute("CREATE INDEX ON synth_clone (src)")
        cursor.execute("ANALYZE synth_clone")
        cursor.execute("ANALYZE synth_pool")
        draws = (
            " JOIN synth_pool p_place ON p_place.n = c.i_place JOIN synth_pool p_age ON p_age.n = c.i_age"
            " JOIN synth_pool p_occ ON p_occ.n = c.i_occ"
        )
        for name in COLUMNS:
            table = models[name]._meta.db_table
            columns = [column for column in COLUMNS[name] if name == "user" or column != "id"]
            overrides = CLONE_OVERRIDES[name]
            select = ", ".join(overrides.get(column, f"t.{connection.ops.quote_name(column)}") for column in columns)
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {select} "  # noqa: S608 (fixed names)
                f"FROM synth_clone c JOIN {table} t ON t.{CLONE_USER_COLUMN[name]} = c.src"
                + (draws if name == "profile" else ""),
                {"run": run},
            )
    return count


WORKSHOP_SLUG = "synth-workshop-"


def attach_workshops(*, seed: int, now: dt.datetime) -> int:
    """Give every synthetic workshop completion a workshop that exists, so the demo's figures agree across levels
    (workshops held, attendance, completions at workshops): one synthetic workshop per prefecture and fiscal year with
    such completions, in the city most of its attendees live in, held on a day in that year; each attendee gets an
    attended registration, and their completion and certificate are dated when the workshop ended. Returns the
    number of workshops made."""
    from collections import Counter, defaultdict

    from courses.models import Enrolment
    from events.enums import RegistrationStatus, WorkshopFormat
    from events.models import Registration
    from events.services import create_workshop
    from lms.regions.models import Municipality
    from lms.reports.periods import JST, fiscal_year_of

    rng = random.Random(seed)
    rows = (
        Enrolment.objects.filter(channel="workshop", workshop__isnull=True, user__email__endswith=f"@{SYNTH_DOMAIN}")
        .values_list("pk", "user_id", "completed_at", "user__profile__municipality_id")
        .order_by("pk")
    )
    cities = dict(Municipality.objects.values_list("code", "parent_id"))
    prefectures = dict(Municipality.objects.values_list("code", "prefecture_id"))
    groups: dict[tuple[str, int], list] = defaultdict(list)
    for pk, user_id, completed_at, place in rows:
        city = cities.get(place) or place
        groups[(prefectures[city], fiscal_year_of(completed_at.astimezone(JST).date()))].append((pk, user_id, city))
    names = dict(Municipality.objects.values_list("code", "name"))
    made = 0
    for (prefecture, fy), members in sorted(groups.items()):
        city = Counter(c for _pk, _user, c in members).most_common(1)[0][0]
        first = dt.datetime(fy, 4, 1, 13, 30, tzinfo=JST)
        last = min(dt.datetime(fy + 1, 3, 31, 13, 30, tzinfo=JST), now - dt.timedelta(days=1))
        starts = first + dt.timedelta(days=rng.randrange(max((last - first).days, 0) + 1))
        ends = starts + dt.timedelta(hours=2)
        workshop = create_workshop(
            title=f"合成データの養成講座（{names[city]}・{fy}年度）",
            slug=f"{WORKSHOP_SLUG}{prefecture}-{fy}",
            description="<p>デモ用の合成データです。</p>",
            municipality_id=city,
            format=WorkshopFormat.IN_PERSON,
            venue_name="合成データの会場",
            venue_address=names[city],
            starts_at=starts,
            ends_at=ends,
            capacity=len(members),
            organiser=names[city],
            trainer_name="合成データ",
        )
        ids = [pk for pk, _user, _city in members]
        users = [user for _pk, user, _city in members]
        Enrolment.objects.filter(pk__in=ids).update(workshop_id=workshop.pk, completed_at=ends, started_at=ends)
        from certificates.models import Certificate

        Certificate.objects.filter(holder_id__in=users, source="workshop").update(issued_at=ends, workshop_id=workshop.pk)
        Registration.objects.bulk_create(
            Registration(
                workshop=workshop, user_id=user, status=RegistrationStatus.ATTENDED, registered_at=starts,
                confirmed_at=starts, checked_in_at=starts,
            )  # fmt: skip
            for user in users
        )
        made += 1
    return made


def synthetic_user_ids_sql() -> str:
    from lms.accounts.models import User

    return f"SELECT id FROM {User._meta.db_table} WHERE email LIKE '%%@{SYNTH_DOMAIN}'"  # noqa: S608 (fixed)


@transaction.atomic
def delete_synthetic() -> int:
    """Delete every synthetic user and what they made (raw DELETEs: no signals, no per-row Python)."""
    refuse_in_production()
    from events.models import Registration, WorkshopPage
    from lms.accounts.models import User
    from lms.reports.models import CountedLearner, DirtyLearner

    for workshop in WorkshopPage.objects.filter(slug__startswith=WORKSHOP_SLUG):
        workshop.delete()  # its registrations go with it
    models = _models()
    owned = (
        (Registration, "user_id"),
        (models["email"], "user_id"),
        (models["certificate"], "holder_id"),
        (models["attempt"], "user_id"),
        (models["progress"], "user_id"),
        (models["enrolment"], "user_id"),
        (models["profile"], "user_id"),
        (CountedLearner, "user_id"),
        (DirtyLearner, "user_id"),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({synthetic_user_ids_sql()}) AS synth")  # noqa: S608
        count = cursor.fetchone()[0]
        for model, column in owned:
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE {column} IN ({synthetic_user_ids_sql()})"  # noqa: S608
            )
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE email LIKE '%%@{SYNTH_DOMAIN}'")  # noqa: S608
    return count
