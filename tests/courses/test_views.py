import re

import pytest
from django.contrib.messages import get_messages

from courses import messages
from courses.enums import Channel
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from courses.services import complete_course
from home.models import ConsultationResource
from tests.accounts.factories import UserFactory
from tests.courses.factories import correct_answers, pass_module, wrong_answers

pytestmark = pytest.mark.django_db


def form_fields(html):
    return {
        "module": re.search(r'name="module" value="(\d+)"', html).group(1),
        "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
    }


def answer(client, target, answers, **overrides):
    page = client.get(target.url)
    assert page.status_code == 200
    data = form_fields(page.content.decode())
    data.update({f"q-{qid}": cids for qid, cids in answers.items()})
    data.update(overrides)
    return client.post(target.url + "answer/", data), data


# --- reading ----------------------------------------------------------------------------------------------------------


def test_course_landing_lists_the_modules_with_time_and_a_start_link(client, course, modules):
    response = client.get("/course/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [m.title for m in modules] == [
        t.strip() for t in re.findall(r"第\d章</span>\s*(?:<a [^>]*>)?([^<]+)", html)
    ]
    assert "約60分" in html
    assert f'href="{modules[0].url}"' in html
    assert f'href="{modules[1].url}"' not in html  # locked modules are not links


def test_course_landing_shows_my_progress_and_resume_link(client, learner, course, modules):
    pass_module(learner, modules[0])
    client.force_login(learner)

    html = client.get("/course/").content.decode()

    assert "3章中 1章 合格（33%）" in html
    assert '<progress class="progress" max="100" value="33"' in html
    assert f'href="{modules[1].url}">続きから受講する（第2章）' in html


def test_module_one_is_readable_without_an_account(client, course, modules):
    response = client.get(modules[0].url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "第1章の本文です。" in html
    assert 'name="token"' not in html  # no quiz form
    assert "/accounts/login/?next=%2Fcourse%2Fmodule-1%2F%23quiz" in html
    assert "/accounts/signup/?next=%2Fcourse%2Fmodule-1%2F%23quiz" in html
    assert "問題1" not in html


def test_later_modules_send_anonymous_visitors_to_log_in_and_back(client, course, modules):
    response = client.get(modules[1].url)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcourse%2Fmodule-2%2F"


def test_logging_in_returns_the_learner_to_the_module(client, course, modules):
    user = UserFactory(email="back@example.jp")
    response = client.post(
        "/accounts/login/?next=/course/module-1/%23quiz",
        {"login": user.email, "password": "correct-horse-battery", "next": "/course/module-1/#quiz"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/course/module-1/#quiz"


def test_a_locked_module_says_why_and_links_to_the_next_one_to_take(client, learner, course, modules):
    client.force_login(learner)

    response = client.get(modules[2].url)

    html = response.content.decode()
    assert response.status_code == 403
    assert str(messages.MODULE_LOCKED) in html
    assert f'href="{modules[0].url}"' in html
    assert "第3章の本文です。" not in html
    assert not ModuleProgress.objects.filter(user=learner, module=modules[2]).exists()


def test_viewing_a_module_starts_the_enrolment(client, learner, course, modules):
    client.force_login(learner)

    response = client.get(modules[0].url)

    assert response.status_code == 200
    assert 'name="token"' in response.content.decode()
    assert Enrolment.objects.filter(user=learner, course=course, channel=Channel.ONLINE).exists()
    assert ModuleProgress.objects.filter(user=learner, module=modules[0]).exists()


def test_module_pages_are_never_stored_by_shared_caches(client, learner, course, modules):
    client.force_login(learner)

    response = client.get(modules[0].url)

    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


# --- answering ----------------------------------------------------------------------------------------------------------


def test_passing_shows_feedback_with_explanations_and_the_next_module(client, learner, course, modules):
    client.force_login(learner)

    response, _data = answer(client, modules[0], correct_answers(modules[0]))

    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=learner)
    assert response["Location"] == f"{modules[0].url}result/{attempt.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "合格です" in html and "3問中 3問 正解（正答率100%）" in html
    assert html.count("問題1の解説です。") == 1 and "問題3の解説です。" in html
    assert f'href="{modules[1].url}">第2章 テスト章2 へ進む' in html


def test_failing_shows_which_answers_were_wrong_and_offers_a_retry(client, learner, course, modules):
    client.force_login(learner)

    response, _data = answer(client, modules[0], wrong_answers(modules[0]))

    html = client.get(response["Location"]).content.decode()
    assert "あと少しです" in html and "3問中 0問 正解" in html
    assert html.count('<span aria-hidden="true">×</span> 不正解') == 3
    assert f'href="{modules[0].url}#quiz">もう一度解く' in html
    retry = client.get(modules[0].url)
    assert retry.status_code == 200 and 'name="token"' in retry.content.decode()


def test_missing_answers_re_show_the_form_with_choices_kept(client, learner, course, modules):
    client.force_login(learner)
    answers = correct_answers(modules[0])
    kept_question, kept_choices = next(iter(answers.items()))

    response, _data = answer(client, modules[0], {kept_question: kept_choices})

    html = response.content.decode()
    assert response.status_code == 400
    assert str(messages.ANSWERS_MISSING) in html
    assert html.count(str(messages.ANSWER_MISSING_FIELD)) == 4  # 2 in the summary, 2 next to the questions
    assert re.search(rf'value="{kept_choices[0]}" id="choice-{kept_choices[0]}" checked', html)
    assert not QuizAttempt.objects.exists()


def test_unknown_choice_ids_are_refused_in_japanese(client, learner, course, modules):
    client.force_login(learner)
    answers = correct_answers(modules[0])
    answers[next(iter(answers))] = ["<script>"]

    response, _data = answer(client, modules[0], answers)

    assert response.status_code == 400
    assert str(messages.UNKNOWN_CHOICE) in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_tampered_module_id_is_refused(client, learner, course, modules):
    client.force_login(learner)

    response, _data = answer(client, modules[0], correct_answers(modules[0]), module=str(modules[1].pk))

    assert response.status_code == 400
    assert str(messages.TAMPERED) in response.content.decode()
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.filter(passed_at__isnull=False).exists()


def test_answers_posted_to_a_locked_module_are_refused(client, learner, course, modules):
    client.force_login(learner)
    page = client.get(modules[0].url).content.decode()
    data = form_fields(page)
    data.update({f"q-{qid}": cids for qid, cids in correct_answers(modules[2]).items()})
    data["module"] = str(modules[2].pk)

    response = client.post(modules[2].url + "answer/", data)

    assert response.status_code in (400, 403)
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.filter(module=modules[2]).exists()


def test_a_double_submit_records_one_attempt_and_shows_the_first_result(client, learner, course, modules):
    client.force_login(learner)
    first, data = answer(client, modules[0], correct_answers(modules[0]))

    second = client.post(modules[0].url + "answer/", data)

    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert [str(m) for m in get_messages(second.wsgi_request)] == [str(messages.ALREADY_SUBMITTED)]
    assert QuizAttempt.objects.count() == 1
    assert ModuleProgress.objects.get(user=learner, module=modules[0]).attempts_count == 1


def test_anonymous_answers_go_to_the_login_page(client, course, modules):
    response = client.post(modules[0].url + "answer/", {"module": modules[0].pk})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not QuizAttempt.objects.exists()


def test_answer_url_only_accepts_post(client, learner, course, modules):
    client.force_login(learner)

    assert client.get(modules[0].url + "answer/").status_code == 405


def test_another_learners_result_is_not_shown(client, learner, course, modules):
    other = UserFactory()
    attempt = pass_module(other, modules[0])
    client.force_login(learner)

    response = client.get(f"{modules[0].url}result/{attempt.pk}/")

    assert response.status_code == 404


# --- completion and マイページ --------------------------------------------------------------------------------------


def test_passing_the_last_module_leads_to_the_completion_page(client, learner, course, modules):
    pass_module(learner, modules[0])
    pass_module(learner, modules[1])
    client.force_login(learner)

    response, _data = answer(client, modules[2], correct_answers(modules[2]))

    html = client.get(response["Location"]).content.decode()
    assert 'href="/course/complete/">修了ページへ進む' in html
    complete = client.get("/course/complete/")
    assert complete.status_code == 200
    assert "修了おめでとうございます" in complete.content.decode()


def test_the_completion_page_waits_for_completion(client, learner, course, modules):
    client.force_login(learner)

    response = client.get("/course/complete/")

    assert response.status_code == 302 and response["Location"] == "/course/"


def test_the_completion_page_needs_an_account(client, course, modules):
    response = client.get("/course/complete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_mypage_shows_progress_bar_and_resume_link(client, learner, course, modules):
    pass_module(learner, modules[0])
    client.force_login(learner)

    html = client.get("/mypage/").content.decode()

    assert '<progress class="progress" max="100" value="33"' in html
    assert f'href="{modules[1].url}">続きから受講する（第2章 テスト章2）' in html


def test_mypage_invites_a_new_learner_to_start(client, learner, course, modules):
    client.force_login(learner)

    html = client.get("/mypage/").content.decode()

    assert "まだ受講を始めていません" in html and 'href="/course/">講座を始める' in html


def test_mypage_links_a_graduate_to_the_completion_page(client, learner, course, modules):
    complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=course)
    client.force_login(learner)

    html = client.get("/mypage/").content.decode()

    assert 'href="/course/complete/">修了ページを見る' in html


def test_mypage_shows_only_my_own_progress(client, learner, course, modules):
    pass_module(UserFactory(), modules[0])
    client.force_login(learner)

    html = client.get("/mypage/").content.decode()

    assert "まだ受講を始めていません" in html


def test_a_time_limited_window_says_whether_it_runs_today(client, course, modules):
    import datetime

    from django.utils import timezone

    from home.models import ConsultationPeriod
    from home.services import load_consultation_resources

    load_consultation_resources()
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    always = ConsultationResource.objects.get(key="anata-no-ibasho")
    module = modules[0]
    module.body = [
        {"type": "resource", "value": {"resource": dial.pk, "note": ""}},
        {"type": "resource", "value": {"resource": always.pk, "note": ""}},
    ]
    module.save_revision().publish()

    html = client.get(module.url).content.decode()
    assert "#9999（フリーダイヤル）" in html and "24時間365日" in html
    assert "期間を限って実施している窓口です" in html and "ただいま実施期間中です" not in html
    assert "実施期間ではありません" not in html and "受付期間外" not in html

    today = timezone.localdate()
    ConsultationPeriod.objects.create(
        resource=dial, starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=1)
    )
    html = client.get(module.url).content.decode()
    assert "ただいま実施期間中です" in html and "期間を限って実施している窓口です" not in html
