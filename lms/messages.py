"""Messages of the project core (not of one app), defined once; tests compare against these constants."""

from django.utils.translation import gettext_lazy as _

REQUEST_TOO_LARGE = _("送信されたデータが大きすぎます（上限 {limit}）。件数を減らすか、ファイルを分けて送ってください。")
PAGE_PASSWORD_TOO_MANY = _("パスワードの入力が続けて行われました。しばらく時間をおいてから、もう一度お試しください。")
