"""Item analysis of a module's quiz for editors (national aggregate), in the manner of Moodle's quiz statistics.

Only each learner's **first** attempt at the module counts (later attempts are practice: the learner has seen the
explanations). For each question of the pool:

- facility: the share of first attempts that got it right, among those the question was drawn for;
- discrimination index D = facility in the upper group − facility in the lower group, the groups being the 27 % of
  first attempts with the highest and the lowest scores (ties broken by submission order), each counted only where
  the question was drawn; -1 … 1, higher is better; below 0 the strongest learners do worse than the weakest;
- how often each choice was chosen (the distractors' pull);
- flags: everyone right, everyone wrong, negative discrimination; a warning below MIN_ATTEMPTS first attempts.

For the whole quiz: the number of first attempts, mean, median and standard deviation of the score, the pass rate, and
internal consistency as Cronbach's alpha on right/wrong items (= KR-20). With drawn questions the items are the
positions of the form (first question shown, second …) as Moodle does for random-question slots; attempts that were
given another number of questions are left out of alpha.

Reads only; one query for the attempts whatever their number."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .models import ModulePage, QuizAttempt

MIN_ATTEMPTS = 30
GROUP_SHARE = 0.27


@dataclass
class ChoiceStat:
    id: str
    text: str
    correct: bool
    chosen: int = 0
    share: float | None = None


@dataclass
class QuestionStat:
    id: str
    number: int
    text: str
    multiple: bool
    attempts: int = 0
    right: int = 0
    facility: float | None = None
    discrimination: float | None = None
    choices: list[ChoiceStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    module: ModulePage
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    pass_rate: float | None
    alpha: float | None
    alpha_attempts: int
    alpha_items: int
    sem: float | None
    group_size: int
    questions: list[QuestionStat]
    warning: str | None


def first_attempts(module: ModulePage) -> list[QuizAttempt]:
    seen: set[int] = set()
    firsts = []
    rows = (
        QuizAttempt.objects.filter(module=module)
        .only("id", "user_id", "answers", "results", "presented", "score", "passed", "submitted_at")
        .order_by("submitted_at", "id")
    )
    for attempt in rows:
        if attempt.user_id not in seen:
            seen.add(attempt.user_id)
            firsts.append(attempt)
    return firsts


def cronbach_alpha(items: list[list[int]]) -> float | None:
    """Cronbach's alpha of a table (rows: attempts, columns: items scored 0/1, i.e. KR-20). None when it is not
    defined (fewer than 2 items or 2 attempts, or no spread in the total)."""
    if len(items) < 2 or not items[0] or len(items[0]) < 2:
        return None
    k = len(items[0])
    totals = [sum(row) for row in items]
    total_variance = statistics.pvariance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(statistics.pvariance([row[i] for row in items]) for i in range(k))
    return k / (k - 1) * (1 - item_variance / total_variance)


def _presented_ids(attempt: QuizAttempt) -> list[str]:
    if attempt.presented:
        return [question_id for question_id, _order in attempt.presented]
    return list(attempt.results)


def analyse(module: ModulePage) -> QuizStats:
    attempts = first_attempts(module)
    n = len(attempts)
    scores = [a.score for a in attempts]
    pool = [b for b in module.quiz if b.block_type == "question"]

    ranked = sorted(attempts, key=lambda a: a.score)  # stable: ties stay in submission order
    group_size = max(1, round(GROUP_SHARE * n)) if n >= 2 else 0
    lower = ranked[:group_size]
    upper = ranked[n - group_size :] if group_size else []

    def facility(group, question_id):
        drawn = [a for a in group if question_id in a.results]
        return (sum(1 for a in drawn if a.results[question_id]) / len(drawn)) if drawn else None

    questions = []
    for number, block in enumerate(pool, start=1):
        value = block.value
        stat = QuestionStat(id=block.id, number=number, text=value["text"], multiple=value["multiple"])
        drawn = [a for a in attempts if block.id in a.results]
        stat.attempts = len(drawn)
        stat.right = sum(1 for a in drawn if a.results[block.id])
        chosen = Counter(c for a in drawn for c in set(a.answers.get(block.id) or ()))
        for child in value["choices"].bound_blocks:
            stat.choices.append(
                ChoiceStat(
                    id=child.id,
                    text=child.value["text"],
                    correct=bool(child.value["correct"]),
                    chosen=chosen.get(child.id, 0),
                    share=(chosen.get(child.id, 0) / len(drawn)) if drawn else None,
                )
            )
        if drawn:
            stat.facility = stat.right / len(drawn)
            up, low = facility(upper, block.id), facility(lower, block.id)
            if up is not None and low is not None:
                stat.discrimination = up - low
            if stat.right == len(drawn):
                stat.flags.append("全員が正解しています（易しすぎるか、正解が推測しやすい可能性があります）")
            elif stat.right == 0:
                stat.flags.append("全員が不正解です（問題文や正解の設定を確認してください）")
            if stat.discrimination is not None and stat.discrimination < 0:
                stat.flags.append(
                    "成績上位の人ほど間違えています（正解の設定や紛らわしい選択肢を確認してください）"
                )
            unchosen = [c for c in stat.choices if not c.correct and c.chosen == 0]
            if unchosen and len(drawn) >= MIN_ATTEMPTS:
                stat.flags.append(f"誰も選んでいない誤答の選択肢が{len(unchosen)}個あります")
        else:
            stat.flags.append("まだ出題されていません")
        questions.append(stat)

    lengths = Counter(len(_presented_ids(a)) for a in attempts)
    slots = lengths.most_common(1)[0][0] if lengths else 0
    table = []
    for attempt in attempts:
        ids = _presented_ids(attempt)
        if len(ids) == slots:
            table.append([1 if attempt.results.get(question_id) else 0 for question_id in ids])
    alpha = cronbach_alpha(table)
    sd = statistics.pstdev(scores) if n >= 2 else None
    warning = None
    if n < MIN_ATTEMPTS:
        warning = f"初回の解答がまだ{n}件です。{MIN_ATTEMPTS}件未満の数値は偶然に左右されやすいため、参考程度にしてください。"
    return QuizStats(
        module=module,
        attempts=n,
        mean=statistics.fmean(scores) if n else None,
        median=statistics.median(scores) if n else None,
        sd=sd,
        pass_rate=(sum(1 for a in attempts if a.passed) / n) if n else None,
        alpha=alpha,
        alpha_attempts=len(table),
        alpha_items=slots,
        sem=(sd * math.sqrt(1 - alpha)) if (sd is not None and alpha is not None and alpha <= 1) else None,
        group_size=group_size,
        questions=questions,
        warning=warning,
    )
