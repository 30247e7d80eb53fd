"""Messages of the search page, defined once (tests compare against these constants)."""

from django.utils.translation import gettext_lazy as _

QUERY_TRUNCATED = _("検索語が長すぎるため、最初の%(max)d文字で検索しました。")
TOO_MANY_TERMS = _("検索語が多すぎるため、最初の%(max)d語で検索しました。")
EMPTY_QUERY = _("検索語を入力してください。")
NO_SEARCHABLE_TEXT = _("検索できる文字（ひらがな・カタカナ・漢字・英数字）を入力してください。")
NO_RESULTS = _("「%(query)s」に一致する情報は見つかりませんでした。")
SEARCH_FAILED = _("検索中に問題が起きました。時間をおいてもう一度お試しください。")
STATUS_CANCELLED = _("中止")
STATUS_ENDED = _("終了")
STATUS_OPEN_NOW = _("受付中")
# A time-limited window with no entered period covering today is never called closed (issue 16): it is "期間限定".
STATUS_TIME_LIMITED = _("期間限定")
