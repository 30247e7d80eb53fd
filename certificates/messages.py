"""Messages shown to people, defined once (tests compare against these constants)."""

from django.utils.translation import gettext_lazy as _

# Verification
NOT_FOUND = _(
    "この番号の修了証は見つかりませんでした。番号を入力し直してください"
    "（英字の大文字・小文字やハイフンの有無は問いません）。"
)
FORGED = _(
    "このQRコードの署名は一致しません。この修了証はつながりサポーターの本サイトが発行したものではありません"
    "（書き換えられている可能性があります）。"
)
VALID = _("この修了証は本サイトが発行した有効なものです。")
REVOKED = _("この修了証は失効しています。現在は有効ではありません。")
NUMBER_REQUIRED = _("修了証番号を入力してください。")

# Bulk verification
BULK_EMPTY = _("修了証番号を入力するか、CSVファイルを選んでください。")
BULK_TOO_MANY = _("一度に確認できるのは1,000件までです。分けてお試しください。")
BULK_FILE_TOO_LARGE = _("ファイルが大きすぎます（1 MB まで）。")
BULK_FILE_UNREADABLE = _(
    "ファイルを読み取れませんでした。CSV（UTF-8 または Shift_JIS）で保存したファイルを選んでください。"
)
BULK_FILE_NOT_CSV = _("CSVファイル（.csv または .txt）を選んでください。")

# Revocation
REVOKE_REASON_REQUIRED = _("失効の理由を入力してください。")
ALREADY_REVOKED = _("この修了証はすでに失効しています。")
REVOKED_DONE = _("修了証を失効させました。")
REISSUED_DONE = _("新しい修了証を発行しました。")
REISSUE_NOT_ALLOWED = _("有効な修了証があるため、新しく発行できません。")

# Holder
NAME_DISPLAY_SAVED = _("確認ページでの氏名の表示を変更しました。")
FILE_NOT_READY = _("修了証のファイルを作成できませんでした。しばらくしてからもう一度お試しください。")

# Organisations
INVITE_CODE_INVALID = _("招待コードが正しくありません。団体の担当者にご確認ください。")
INVITE_CODE_TOO_MANY = _("招待コードの入力が続けて行われました。しばらく時間をおいてから、もう一度お試しください。")
INVITE_CODE_REQUIRED = _("招待コードを入力してください。")
SHARE_CONSENT_REQUIRED = _("団体と連携するには、修了状況を団体と共有することへの同意が必要です。同意する場合はチェックを入れてください。")
LINKED = _("{organisation}と連携しました。修了状況が団体の担当者に表示されます。")
UNLINKED = _("団体との連携を解除しました。修了状況は団体に表示されなくなりました。")
INVITE_ROTATED = _("新しい招待コードを発行しました。以前のコードは使えなくなりました。")
NOT_EMPLOYER_ADMIN = _("この団体のページを見る権限がありません。")
