import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.regions.models import Municipality, Prefecture
from lms.regions.services import RegionListError, load_official_csv, load_packaged_regions


class Command(BaseCommand):
    help = (
        "Load all prefectures and municipalities. Without --csv: the list shipped by the japan-address package "
        "plus recorded later changes. With --csv: a newer official 総務省 list saved as CSV. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, help="総務省「全国地方公共団体コード」を CSV で保存したファイル")
        parser.add_argument("--as-of", help="その一覧の基準日 (YYYY-MM-DD)。--csv と一緒に必須")
        parser.add_argument("--source", help="出典の説明（既定: ファイル名）")
        parser.add_argument("--force", action="store_true", help="読み込み済みの一覧より古くても適用する")
        parser.add_argument(
            "--allow-mass-deactivation",
            action="store_true",
            help="5%% を超える市区町村が失効する一覧でも適用する",
        )

    def handle(self, *args, **options):
        try:
            if options["csv"]:
                if not options["as_of"]:
                    raise CommandError("--csv には --as-of YYYY-MM-DD（一覧の基準日）が必要です。")
                try:
                    as_of = dt.date.fromisoformat(options["as_of"])
                except ValueError as exc:
                    raise CommandError(f"--as-of の日付が正しくありません: {options['as_of']}") from exc
                result = load_official_csv(
                    options["csv"].read_bytes(),
                    as_of=as_of,
                    source=options["source"] or f"総務省 全国地方公共団体コード（{options['csv'].name}）",
                    force=options["force"],
                    allow_mass_deactivation=options["allow_mass_deactivation"],
                )
            else:
                result = load_packaged_regions(force=options["force"])
        except RegionListError as exc:
            raise CommandError(str(exc)) from exc

        if result.version is None:
            self.stdout.write(result.skipped_reason)
        else:
            v = result.version
            self.stdout.write(
                f"{v.source}: 都道府県 {v.prefecture_count}、市区町村 {v.municipality_count}"
                f"（追加 {v.added}、失効 {v.deactivated}、再有効化 {v.reactivated}）"
            )
        self.stdout.write(
            f"現在: 都道府県 {Prefecture.objects.count()}、現存する市区町村 {Municipality.objects.active().count()}"
            f"（うち政令指定都市の区 {Municipality.objects.active().filter(kind='ward').count()}）"
        )
