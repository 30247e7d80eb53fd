import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current 2段階認証 code of the demo staff accounts (demo only; refused in production)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("本番環境では使えません。")
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30)))
