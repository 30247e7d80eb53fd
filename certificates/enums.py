from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateSource(models.TextChoices):
    """How the holder completed the course the certificate is for."""

    ONLINE = "online", _("オンライン講座の修了")
    WORKSHOP = "workshop", _("養成講座への出席")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有効")
    REVOKED = "revoked", _("失効")
    # Replaced at the holder's request by a new certificate (a new number) with their current name: still a genuine
    # certificate of a genuine completion, never shown as 失効 and never revealing the new one.
    REISSUED = "reissued", _("再発行済み")


class NameDisplay(models.TextChoices):
    """What a verifier sees of the holder's name (the holder chooses in マイページ)."""

    FULL = "full", _("氏名をすべて表示する")
    INITIALS = "initials", _("イニシャルだけを表示する")


class RenderStatus(models.TextChoices):
    """The PDF and card of a certificate: queued → rendering → done, or failed with the reason (retried)."""

    PENDING = "pending", _("作成待ち")
    RUNNING = "running", _("作成中")
    DONE = "done", _("作成済み")
    FAILED = "failed", _("失敗")


class VerificationChannel(models.TextChoices):
    PAGE = "page", _("確認ページ")
    QR = "qr", _("QRコード")
    BULK = "bulk", _("一括確認")
    API = "api", _("API")


class VerificationOutcome(models.TextChoices):
    """What a look-up found (the verification page, the bulk table and the API share these)."""

    VALID = "valid", _("有効")
    REVOKED = "revoked", _("失効")
    REISSUED = "reissued", _("再発行されました（新しい修了証があります）")
    NOT_FOUND = "not_found", _("見つかりません")
    MISTYPED = "mistyped", _("番号に入力ミスがあるようです")
    MALFORMED = "malformed", _("修了証番号の形式ではありません")
    FORGED = "forged", _("当サイトが発行したものではありません")


class NumberProblem(models.TextChoices):
    """What is wrong with a typed certificate number, if anything."""

    NONE = "", _("正しい形式")
    MISTYPED = "mistyped", _("確認用の文字が合わない（入力ミス）")
    MALFORMED = "malformed", _("修了証番号の形式ではない")


REVOCATION_REASON_ACCOUNT_DELETED = "退会"
