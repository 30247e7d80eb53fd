"""Error messages of the accounts app, defined once; tests compare against these constants."""

from django.utils.translation import gettext_lazy as _

FURIGANA_NOT_KANA = _("ふりがなは、ひらがな またはカタカナで入力してください。")
MUNICIPALITY_NOT_IN_PREFECTURE = _("選んだ市区町村は、選んだ都道府県にありません。もう一度選んでください。")
MUNICIPALITY_REQUIRED = _("お住まいの市区町村を選んでください。")
PREFECTURE_FIRST = _("先に都道府県を選んでください")
TERMS_REQUIRED = _("利用規約とプライバシーポリシーに同意いただく必要があります。")
NAME_INVALID = _("氏名に使えない文字が含まれています。")
DELETE_CONFIRM_MISMATCH = _("確認のため「退会する」と入力してください。")
STAFF_ONLY = _("この画面を表示する権限がありません。")
MFA_REQUIRED = _("管理画面を使うには、2段階認証（認証アプリ）の設定が必要です。設定を完了してください。")
MFA_STEP_REQUIRED = _(
    "管理画面を使うには、このログインで2段階認証（認証アプリの確認コード）を済ませる必要があります。コードを入力してください。"
)
MFA_ENROLMENT_LINK_REQUIRED = _(
    "認証アプリを初めて設定するには、登録メールアドレスに届く確認用リンクを開いてください。"
)
MFA_ENROLMENT_SENT = _("確認用リンクをメールで送りました。このブラウザーでメールのリンクを開いてください（30分間有効）。")
MFA_ENROLMENT_TOO_SOON = _("確認用リンクは送信済みです。1分ほど待ってから、もう一度お試しください。")
MFA_ENROLMENT_LINK_INVALID = _(
    "この確認用リンクは使えません（期限切れ、使用済み、または別のブラウザーで開かれました）。もう一度送信してください。"
)
MFA_ENROLMENT_CONFIRMED = _("メールアドレスを確認しました。続けて認証アプリを設定してください。")
PASSWORDS_RETYPE = _("市区町村の一覧を表示しました。入力した内容はそのまま残っていますが、パスワードは安全のため消えています。もう一度入力してください。")
EMAIL_TOO_LONG = _("メールアドレスが長すぎます。254文字以内のアドレスを入力してください。")
