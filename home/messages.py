"""Messages editors and visitors see from the home app, defined once (tests compare against these constants)."""

from django.utils.translation import gettext_lazy as _

PERIOD_ENDS_BEFORE_START = _("終了日は開始日と同じ日か、それより後の日付にしてください。")

CAMPAIGN_ENDS_BEFORE_START = _("強化月間の終了日は、開始日と同じ日か、それより後の日付にしてください。")
CAMPAIGN_START_OUTSIDE_YEAR = _("開始日は、この強化月間の年（%(year)s年）の日付にしてください。")
CAMPAIGN_YEAR_TAKEN = _("この年の強化月間ページはすでにあります。強化月間ページは1年に1ページです。")
CAMPAIGN_COPY_REFUSED = _(
    "強化月間ページはコピーできません（1年に1ページのため）。新しい年のページは、強化月間の一覧ページに"
    "「子ページを追加」から作成してください。"
)
HERO_ALT_REQUIRED = _("メイン画像を選んだときは、画像の内容を説明する代替テキストを入力してください。")
IMAGE_ALT_REQUIRED = _("画像の内容を説明する代替テキストを入力してください（画面読み上げソフトの利用者に読まれます）。")
CTA_LINK_REQUIRED = _("リンク先として、ページを選ぶか URL を入力してください（どちらか一方）。")
CTA_LINK_INVALID = _("URL は「/」で始まるサイト内のパスか、http:// または https:// で始まる URL にしてください。")
PHONE_INVALID = _("電話番号は数字とハイフンで入力してください（例: 0120-99-7777、#9999）。")
MONTH_DAY_INVALID = _("「月-日」の形で入力してください（例: 12-29）。")
CLOSURE_NEEDS_BOTH = _("毎年の休業は、開始と終了の両方を入力してください。")
SEASON_PERIOD_MISSING = _(
    "期間限定の相談窓口「%(name)s」に、これからの実施期間が入力されていません。"
    "次回の実施日が発表されたら、スニペット「相談窓口」の「実施期間」に入力してください。"
)
CHECK_OFFICIAL_SITE = _("最新の情報は各窓口の公式サイトでご確認ください")

# The お問い合わせ form
CONTACT_SENT = _("お問い合わせを受け付けました。内容を確認し、必要に応じて入力いただいたメールアドレスにご連絡します。")
CONTACT_TOO_FAST = _("送信が早すぎたため、受け付けられませんでした。内容を確認して、もう一度「送信する」を押してください。")
CONTACT_EXPIRED = _("入力を始めてから時間が経ったため、受け付けられませんでした。もう一度「送信する」を押してください。")
CONTACT_REFUSED = _("送信できませんでした。入力内容を確認して、もう一度お試しください。")
CONTACT_MESSAGE_REQUIRED = _("お問い合わせ内容を入力してください。")
CONTACT_EMAIL_REQUIRED = _("返信先のメールアドレスを入力してください。")
CONTACT_EMAIL_INVALID = _("メールアドレスの形式が正しくありません（例：name@example.jp）。")
CONTACT_CATEGORY_REQUIRED = _("お問い合わせの種類を選んでください。")
CONTACT_MESSAGE_TOO_LONG = _("お問い合わせ内容は%(limit_value)d文字以内で入力してください（現在%(show_value)d文字）。")
