"""Messages learners see from the course, defined once; tests compare against these constants."""

from django.utils.translation import gettext_lazy as _

LOGIN_TO_ANSWER = _(
    "確認問題に答えるには、ログインしてください（アカウントをお持ちでない方は新規登録できます）。"
)
LOGIN_TO_CONTINUE = _("第2章からは、ログインしてから受講できます。")
MODULE_LOCKED = _("この章はまだ受講できません。前の章の確認問題に合格すると進めます。")
ANSWERS_MISSING = _("答えていない問題があります。すべての問題に答えてから送信してください。")
ANSWER_MISSING_FIELD = _("この問題に答えてください。")
UNKNOWN_CHOICE = _("回答の内容を確認できませんでした。ページを読み込み直して、もう一度答えてください。")
TAMPERED = _(
    "この章の確認問題として受け付けられない送信です。ページを読み込み直して、もう一度答えてください。"
)
TOKEN_INVALID = _(
    "送信の有効期限が切れたか、内容が正しくありません。ページを読み込み直して、もう一度答えてください。"
)
ALREADY_SUBMITTED = _(
    "この回答はすでに送信済みです。結果は下に表示しています。もう一度挑戦するときは「もう一度解く」を押してください。"
)
MODULE_NOT_AVAILABLE = _("この章は現在公開されていません。")
BUSY = _("ただいま混み合っています。少し待ってから、もう一度送信してください。")
NOT_COMPLETED_YET = _("すべての章の確認問題に合格すると、修了ページが表示されます。")
