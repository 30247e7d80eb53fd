"""Messages of the project core (not of one app), defined once; tests compare against these constants."""

from django.utils.translation import gettext_lazy as _

REQUEST_TOO_LARGE = _("送信されたデータが大きすぎます（上限 {limit}）。件数を減らすか、ファイルを分けて送ってください。")
