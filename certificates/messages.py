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
MISTYPED = _(
    "番号に入力ミスがあるようです。最後の1文字は入力を確かめるための文字です。"
    "修了証に印刷された番号と、1文字ずつ見比べてください。"
)
MALFORMED = _(
    "修了証番号の形式ではありません。修了証番号は「7K3M-Q9RT-2VXB-H4ND-S」のように、"
    "英数字16文字と確認用の1文字です。"
)
REISSUED = _(
    "再発行されました（新しい修了証があります）。この修了証は、本人の申請により新しい番号で再発行されました。"
    "本サイトが発行した修了証であることに変わりはありません。新しい修了証番号は本人にお尋ねください。"
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
REVOKE_CONFIRM_REQUIRED = _("失効させると元に戻せません。確認のチェックを入れてから「失効させる」を押してください。")
ALREADY_REVOKED = _("この修了証はすでに失効しています。")
REVOKED_DONE = _("修了証を失効させました。")
REISSUED_DONE = _("新しい修了証を発行しました。")
REISSUE_NOT_ALLOWED = _("有効な修了証があるため、新しく発行できません。")

# Checking the printed name (initials mode)
NAME_CHECK_REQUIRED = _("修了証に印字された氏名を入力してください。")
NAME_CHECK_MATCH = _("一致：入力された氏名は、この修了証に署名付きで記録された氏名と一致します。")
NAME_CHECK_MISMATCH = _(
    "不一致：入力された氏名は、この修了証に記録された氏名と一致しません。"
    "修了証に印字された氏名を、スペースの位置も含めてそのまま入力したかご確認ください。"
)
NAME_CHECK_UNAVAILABLE = _("この修了証は氏名が消去されているため、氏名の照合はできません。")

# Holder
REISSUE_REQUESTED = _(
    "現在の氏名で修了証を再発行しました（新しい修了証番号です）。以前の番号で確認すると「再発行されました」と表示され、"
    "新しい氏名は表示されません。"
)
REISSUE_SAME_NAME = _("修了証の氏名は現在の氏名と同じです。再発行の必要はありません。")
REISSUE_NOT_VALID = _("有効な修了証だけを再発行できます。")
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
