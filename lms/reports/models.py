"""Roll-up tables behind the regional reports, and the imported population.

Every roll-up is derived from raw rows (users, profiles, enrolments, progress, quiz attempts, certificates, workshops)
and can be rebuilt from them at any time (`manage.py rebuild_report_rollups`); `lms.reports.rollups` is the one module
that writes them. Cells are keyed by the month (first day, JST) and the *city* a learner lives in now (a ward counts in
its designated city), so a learner who moves or withdraws consent moves or leaves every month they contributed to.
Prefecture-level copies (sums of the city rows) keep the national and prefecture queries small."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LearnerCounters(models.Model):
    """Counters of one cell, for one (age band, occupation field). See docs/reports-data.md for each definition."""

    month = models.DateField(_("月（初日）"))
    age_band = models.CharField(_("年代"), max_length=10)
    occupation = models.CharField(_("職業分野"), max_length=20, blank=True)
    registered = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    completed_online = models.PositiveIntegerField(default=0)
    completed_workshop = models.PositiveIntegerField(default=0)
    certificates_valid = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        code = getattr(self, "municipality_code", None) or getattr(self, "prefecture_code", "全国")
        return f"{self.month:%Y-%m} {code} {self.age_band} {self.occupation}"


COUNTER_FIELDS = (
    "registered",
    "started",
    "completed_online",
    "completed_workshop",
    "certificates_valid",
)


class CityLearnerMonth(LearnerCounters):
    """Learner counters per (month, city, age band, occupation field): municipality screens and tables."""

    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    municipality_code = models.CharField(_("団体コード（市）"), max_length=6)

    class Meta:
        verbose_name = _("集計（市区町村・月別）")
        verbose_name_plural = _("集計（市区町村・月別）")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "municipality_code", "age_band", "occupation"], name="reports_city_learner_cell"
            )
        ]
        indexes = [
            models.Index(fields=["municipality_code", "month"], name="reports_citylm_city_month"),
            models.Index(fields=["prefecture_code", "month"], name="reports_citylm_pref_month"),
        ]


class PrefectureLearnerMonth(LearnerCounters):
    """The city rows summed per prefecture: prefecture screens and the 47-prefecture table."""

    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)

    class Meta:
        verbose_name = _("集計（都道府県・月別）")
        verbose_name_plural = _("集計（都道府県・月別）")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "prefecture_code", "age_band", "occupation"], name="reports_pref_learner_cell"
            )
        ]
        indexes = [models.Index(fields=["month", "prefecture_code"], name="reports_preflm_month_pref")]


class NationLearnerMonth(LearnerCounters):
    """The prefecture rows summed for the whole country: the national figures read a few hundred rows a year
    whatever the number of learners."""

    class Meta:
        verbose_name = _("集計（全国・月別）")
        verbose_name_plural = _("集計（全国・月別）")
        constraints = [
            models.UniqueConstraint(fields=["month", "age_band", "occupation"], name="reports_nation_learner_cell")
        ]


class ModuleCounters(models.Model):
    """Learners who passed a module (first pass, `ModuleProgress.passed_at`) in a month. Keyed by the module's page
    id, never by its position: a ninth module gets its own rows, and reordering modules leaves every figure with the
    module it belongs to (the report shows the live modules in their current order)."""

    month = models.DateField(_("月（初日）"))
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    module_id = models.PositiveIntegerField(_("章（ページID）"))
    passed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        code = getattr(self, "municipality_code", self.prefecture_code)
        return f"{self.month:%Y-%m} {code} 章{self.module_id}"


class CityModuleMonth(ModuleCounters):
    municipality_code = models.CharField(_("団体コード（市）"), max_length=6)

    class Meta:
        verbose_name = _("章の合格（市区町村・月別）")
        verbose_name_plural = _("章の合格（市区町村・月別）")
        constraints = [
            models.UniqueConstraint(fields=["month", "municipality_code", "module_id"], name="reports_city_module_cell")
        ]
        indexes = [
            models.Index(fields=["municipality_code", "month"], name="reports_citymm_city_month"),
            models.Index(fields=["prefecture_code", "month"], name="reports_citymm_pref_month"),
        ]


class PrefectureModuleMonth(ModuleCounters):
    """The city rows summed per prefecture; the nation's figures sum these."""

    class Meta:
        verbose_name = _("章の合格（都道府県・月別）")
        verbose_name_plural = _("章の合格（都道府県・月別）")
        constraints = [
            models.UniqueConstraint(fields=["month", "prefecture_code", "module_id"], name="reports_pref_module_cell")
        ]
        indexes = [models.Index(fields=["month", "prefecture_code"], name="reports_prefmm_month_pref")]


class QuizCounters(models.Model):
    """First attempts at a module's quiz in a fiscal year (quiz rates are shown per year only, so a year is the
    grain: a month would multiply a sparse table by twelve). Keyed by the module's page id (never its position).
    `question_key` "" is the whole module (correct = passed); otherwise the question's stable block id (correct =
    that question right)."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    module_id = models.PositiveIntegerField(_("章（ページID）"))
    question_key = models.CharField(_("問題ID"), max_length=64, blank=True)
    first_attempts = models.PositiveIntegerField(default=0)
    first_correct = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        code = getattr(self, "municipality_code", self.prefecture_code)
        return f"{self.fiscal_year}年度 {code} 章{self.module_id} {self.question_key}"


class CityQuizYear(QuizCounters):
    municipality_code = models.CharField(_("団体コード（市）"), max_length=6)

    class Meta:
        verbose_name = _("確認問題の初回正答（市区町村・年度別）")
        verbose_name_plural = _("確認問題の初回正答（市区町村・年度別）")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "municipality_code", "module_id", "question_key"],
                name="reports_city_quiz_year_cell",
            )
        ]
        indexes = [
            models.Index(fields=["municipality_code", "fiscal_year"], name="reports_cityqy_city_fy"),
            models.Index(fields=["prefecture_code", "fiscal_year"], name="reports_cityqy_pref_fy"),
        ]


class PrefectureQuizYear(QuizCounters):
    class Meta:
        verbose_name = _("確認問題の初回正答（都道府県・年度別）")
        verbose_name_plural = _("確認問題の初回正答（都道府県・年度別）")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "prefecture_code", "module_id", "question_key"],
                name="reports_pref_quiz_year_cell",
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "prefecture_code"], name="reports_prefqy_fy_pref")]


class CityWorkshopMonth(models.Model):
    """Workshops held (started, not cancelled) and their attendance, by the workshop's city and start month.
    Small enough to be recomputed whole on every refresh."""

    month = models.DateField(_("月（初日）"))
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    municipality_code = models.CharField(_("団体コード（市）"), max_length=6)
    workshops_held = models.PositiveIntegerField(default=0)
    attendance = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("養成講座の開催（市区町村・月別）")
        verbose_name_plural = _("養成講座の開催（市区町村・月別）")
        constraints = [
            models.UniqueConstraint(fields=["month", "municipality_code"], name="reports_city_workshop_cell")
        ]
        indexes = [models.Index(fields=["prefecture_code", "month"], name="reports_citywm_pref_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_code}"


class CountedLearner(models.Model):
    """Where the roll-ups currently count a learner (city, age band, occupation field), or `counted=False`.

    When a profile changes (a move, withdrawn consent, a deleted account), the refresh compares it with this row to
    know which cells the learner must leave as well as which they join."""

    user_id = models.BigIntegerField(primary_key=True)
    counted = models.BooleanField(default=False)
    prefecture_code = models.CharField(max_length=2, blank=True)
    municipality_code = models.CharField(max_length=6, blank=True)
    age_band = models.CharField(max_length=10, blank=True)
    occupation = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("集計上の受講者の所在")
        verbose_name_plural = _("集計上の受講者の所在")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.municipality_code if self.counted else '-'}"


class CountedPaperCell(models.Model):
    """Where the roll-ups currently count paper participants' workshop completions (lms.reports.compute.
    compute_paper_cells): they have no account to mark dirty, so each refresh recomputes these few cells and
    recomputes the roll-up cells of whatever changed (a participant added, deleted on request, a workshop closed or
    cancelled, a certificate claimed into an account)."""

    month = models.DateField(_("月（初日）"))
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    municipality_code = models.CharField(_("団体コード（市）"), max_length=6)
    age_band = models.CharField(_("年代"), max_length=10)
    occupation = models.CharField(_("職業分野"), max_length=20, blank=True)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("集計上の紙の名簿の参加者")
        verbose_name_plural = _("集計上の紙の名簿の参加者")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_code} {self.completed}"


class DirtyLearner(models.Model):
    """A learner whose records changed since the last refresh (written in the same transaction as the change by the
    receivers in signal_handlers.py, or found by the refresh's own scan). Processed rows are deleted by id, so a mark
    added while a refresh runs is kept for the next one."""

    user_id = models.BigIntegerField(db_index=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("集計の更新待ち")
        verbose_name_plural = _("集計の更新待ち")

    def __str__(self) -> str:
        return str(self.user_id)


class RollupState(models.Model):
    """Bookkeeping of the refresh job: when the last scan ran (its watermark) and the last full rebuild."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("集計の状態")
        verbose_name_plural = _("集計の状態")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class MunicipalityPopulation(models.Model):
    """Residents of a city (wards folded in) from 総務省「住民基本台帳に基づく人口、人口動態及び世帯数」, imported by
    `manage.py import_population`. Prefecture and national figures are sums of these rows."""

    municipality = models.OneToOneField(
        "regions.Municipality", on_delete=models.PROTECT, primary_key=True, related_name="population"
    )
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2, db_index=True)
    population = models.PositiveIntegerField(_("人口"))
    as_of = models.DateField(_("基準日"))
    source = models.CharField(_("出典"), max_length=300)
    imported_at = models.DateTimeField(_("読み込み日時"), auto_now=True)

    class Meta:
        verbose_name = _("市区町村の人口")
        verbose_name_plural = _("市区町村の人口")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.population}"


class SuppressionPlan(models.Model):
    """The disclosure decisions of one prefecture and fiscal year (lms.reports.plans), computed by the refresh job
    after the roll-ups change, so a report request only applies them. `digest` is a hash of every cell's name and
    true count, the threshold and the rounding base: a plan is used only for exactly the figures it was computed
    for (anything else recomputes it)."""

    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    digest = models.CharField(max_length=64)
    hidden = models.JSONField(_("伏せたセル"), default=dict)  # {"primary": [names], "secondary": [names]}
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0)
    solves = models.PositiveIntegerField(default=0)
    budget_exhausted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("秘匿の計画")
        verbose_name_plural = _("秘匿の計画")
        constraints = [
            models.UniqueConstraint(fields=["prefecture_code", "fiscal_year"], name="reports_plan_pref_fy")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.prefecture_code}"
