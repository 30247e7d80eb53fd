"""The outbox: background work recorded in the same transaction as the change that needs it, published to the broker
after commit and deleted once the broker took it. What the broker did not take (it was down) stays here and beat
publishes it later (lms.outbox.services.drain), so nothing is lost; the key makes the same work recorded twice one
row, and every task it publishes is idempotent, so publishing a row twice does no harm."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    key = models.CharField(_("重複防止キー"), max_length=200, unique=True)
    task = models.CharField(_("タスク"), max_length=200)
    args = models.JSONField(_("引数"), default=list, blank=True)
    kwargs = models.JSONField(_("キーワード引数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("送信の試行回数"), default=0)
    last_error = models.CharField(_("最後の失敗"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("送信待ちの処理")
        verbose_name_plural = _("送信待ちの処理")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key
