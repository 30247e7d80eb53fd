"""Item analysis for editors: first attempts only, facility, discrimination (upper/lower 27 %), distractor shares,
flags, the minimum-attempts warning, and the whole quiz's mean, spread and Cronbach's alpha; staff-only with MFA."""

import statistics

import pytest
from django.contrib.auth.models import Group

from courses.item_analysis import MIN_ATTEMPTS, analyse, cronbach_alpha
from courses.models import QuizAttempt
from lms.accounts.enums import EDITOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db


def record(user, module, right: dict[str, bool], *, wrong_choice: int = 1, presented=None):
    """A scored attempt as the service stores it: the correct choice (index 0 in the factory) or a wrong one."""
    answers = {}
    for block in module.quiz:
        if block.id not in right:
            continue
        choices = [c.id for c in block.value["choices"].bound_blocks]
        answers[block.id] = [choices[0] if right[block.id] else choices[wrong_choice]]
    score = 100 * sum(right.values()) // len(right)
    return QuizAttempt.objects.create(
        user=user,
        module=module,
        token=f"t-{QuizAttempt.objects.count()}",
        answers=answers,
        results=right,
        presented=presented or [[q, []] for q in right],
        score=score,
        passed=score >= module.pass_mark,
    )


@pytest.fixture
def quiz():
    _course, (module,) = make_course(modules=1, questions=5)
    return module, [b.id for b in module.quiz]


@pytest.fixture
def forty(quiz):
    """40 learners' first attempts: learner i gets question k right when i >= 8k (a ladder), except that question 4 is
    right for everybody and question 3 is right only for the weakest 10; each learner's second attempt is all right
    (and must not count)."""
    module, ids = quiz
    users = [UserFactory() for _ in range(40)]
    for i, user in enumerate(users):
        right = {ids[0]: i >= 8, ids[1]: i >= 16, ids[2]: i >= 24, ids[3]: i < 10, ids[4]: True}
        record(user, module, right, wrong_choice=1 if i % 4 else 2)
    for user in users:
        record(user, module, dict.fromkeys(ids, True))
    return module, ids


def test_only_first_attempts_count_and_the_quiz_figures_are_right(forty):
    module, ids = forty

    stats = analyse(module)

    firsts = list(QuizAttempt.objects.filter(module=module).order_by("id"))[:40]
    scores = [a.score for a in firsts]
    assert stats.attempts == 40 and stats.warning is None
    assert stats.mean == pytest.approx(statistics.fmean(scores))
    assert stats.median == statistics.median(scores)
    assert stats.sd == pytest.approx(statistics.pstdev(scores))
    assert stats.pass_rate == sum(a.passed for a in firsts) / 40
    table = [[int(a.results[q]) for q in ids] for a in firsts]
    assert stats.alpha == pytest.approx(cronbach_alpha(table))
    assert stats.alpha_items == 5 and stats.alpha_attempts == 40


def test_facility_discrimination_and_distractors_per_question(forty):
    module, ids = forty

    stats = analyse(module)
    by_id = {q.id: q for q in stats.questions}

    assert stats.group_size == 11  # round(0.27 × 40)
    assert by_id[ids[0]].facility == pytest.approx(32 / 40)
    assert by_id[ids[2]].facility == pytest.approx(16 / 40)
    # The ladder question is right for all of the top 11 and none of the bottom 11 (scores rise with i).
    assert by_id[ids[2]].discrimination == pytest.approx(1.0)
    # Question 4 (right only for the weakest) discriminates the wrong way and is flagged.
    assert by_id[ids[3]].discrimination < 0
    assert any("成績上位の人ほど間違えています" in f for f in by_id[ids[3]].flags)
    # Question 5: everyone right, flagged, no discrimination.
    assert by_id[ids[4]].facility == 1 and by_id[ids[4]].discrimination == 0
    assert any("全員が正解" in f for f in by_id[ids[4]].flags)
    # Distractor shares: of question 1's 8 wrong answers, learners 0 and 4 chose choice 3, the others choice 2.
    shares = {c.text: (c.chosen, c.share) for c in by_id[ids[0]].choices}
    assert shares == {"選択肢1": (32, 0.8), "選択肢2": (6, 6 / 40), "選択肢3": (2, 2 / 40)}


def test_a_question_everybody_fails_is_flagged_and_few_attempts_warn(quiz):
    module, ids = quiz
    for i in range(5):
        record(
            UserFactory(),
            module,
            {ids[0]: False, ids[1]: i % 2 == 0, ids[2]: True, ids[3]: True, ids[4]: True},
        )

    stats = analyse(module)

    assert stats.attempts == 5 < MIN_ATTEMPTS
    assert "初回の解答がまだ5件です" in stats.warning
    assert any("全員が不正解" in f for f in {q.id: q for q in stats.questions}[ids[0]].flags)


def test_drawn_questions_count_only_where_they_were_shown(db):
    """With a pool, a question's facility is over the attempts it was drawn for; alpha is over the positions."""
    _course, (module,) = make_course(modules=1, questions=6, questions_per_attempt=3)
    ids = [b.id for b in module.quiz]
    for i in range(30):
        shown = ids[:3] if i % 2 else ids[3:]
        record(UserFactory(), module, {q: (i + n) % 3 != 0 for n, q in enumerate(shown)})

    stats = analyse(module)

    assert [q.attempts for q in stats.questions] == [15] * 6
    assert stats.alpha_items == 3 and stats.alpha_attempts == 30
    assert stats.questions[0].facility == pytest.approx(sum((i % 3 != 0) for i in range(1, 30, 2)) / 15)


def test_cronbach_alpha_is_one_for_identical_items_and_undefined_without_spread():
    assert cronbach_alpha([[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]]) == pytest.approx(1.0)
    assert cronbach_alpha([[1, 1], [1, 1]]) is None
    # By hand: 4 attempts, total variance 1.25, item variances 0.25 + 0.1875 + 0.1875 = 0.625 → α = 1.5 × 0.5.
    assert cronbach_alpha([[1, 1, 1], [1, 0, 1], [0, 0, 1], [0, 0, 0]]) == pytest.approx(0.75)


# --- the admin screen ---------------------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    give_totp(user)
    return user


def test_an_editor_sees_the_analysis_of_a_quiz_with_forty_attempts(client, editor, forty):
    module, _ids = forty
    client.force_login(editor)

    index = client.get("/admin/course-item-analysis/")
    page = client.get(f"/admin/course-item-analysis/{module.pk}/")

    assert index.status_code == 200 and module.title in index.content.decode()
    body = page.content.decode()
    assert page.status_code == 200
    assert "初回の解答</th><td>40件" in body
    assert "クロンバックのα" in body and "識別力" in body and "全員が正解" in body
    assert "参考程度" not in body  # 40 ≥ the minimum


def test_the_screen_warns_below_the_minimum(client, editor, quiz):
    module, ids = quiz
    record(UserFactory(), module, dict.fromkeys(ids, True))
    client.force_login(editor)

    body = client.get(f"/admin/course-item-analysis/{module.pk}/").content.decode()

    assert "初回の解答がまだ1件です" in body and "—（算出できません）" in body


def test_learners_and_staff_without_mfa_are_turned_away(client, quiz):
    module, _ids = quiz
    learner = UserFactory()
    client.force_login(learner)
    assert client.get(f"/admin/course-item-analysis/{module.pk}/").status_code == 403

    staff = UserFactory()
    staff.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(staff)
    response = client.get(f"/admin/course-item-analysis/{module.pk}/")
    # No device yet: the first enrolment goes through the e-mailed one-time link (lms/accounts/mfa.py, issue 13).
    assert response.status_code == 302 and response["Location"].startswith("/mypage/security/enrol/")


def test_admin_users_who_cannot_edit_the_course_are_refused(client, quiz):
    from django.contrib.auth.models import Permission

    module, _ids = quiz
    group = Group.objects.create(name="管理画面のみ")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory()
    user.groups.add(group)
    give_totp(user)
    client.force_login(user)

    # Wagtail turns the refusal (PermissionDenied) into a redirect to the dashboard with its message.
    for url in (f"/admin/course-item-analysis/{module.pk}/", "/admin/course-item-analysis/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
