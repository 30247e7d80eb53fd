"""Messages of the report screens, defined once (tests compare against these constants)."""

from django.utils.translation import gettext_lazy as _

BAD_FISCAL_YEAR = _("年度の指定が正しくないため、{fy}年度を表示しています。一覧から年度を選んでください。")
BAD_EXPORT_FORMAT = _("ダウンロードの形式は CSV か Excel（XLSX）を選んでください。")
NOT_AN_OFFICER = _("地域別レポートは、地域担当者の役割がある方だけが見られます。")
OUT_OF_SCOPE = _("この地域のレポートを見る権限がありません。担当の地域を選んでください。")
CHOOSE_REGION = _("担当の地域から選んでください。")
