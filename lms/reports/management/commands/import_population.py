import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.reports.population import PopulationImportError, import_population

DEFAULT_SOURCE = "総務省「住民基本台帳に基づく人口、人口動態及び世帯数」"


class Command(BaseCommand):
    help = (
        "Import per-municipality population from a CSV (団体コード, 人口 columns) for the per-10,000 figures of the "
        "reports. Replaces the previous import; a bad row refuses the whole file. See docs/reports-data.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="CSV file (UTF-8 or Shift_JIS)")
        parser.add_argument(
            "--as-of", help="基準日 YYYY-MM-DD (default: 1 January of this year, the survey's reference date)"
        )
        parser.add_argument("--source", default=DEFAULT_SOURCE, help="出典 shown with the figures")

    def handle(self, *args, **options):
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError("--as-of は YYYY-MM-DD の形式で指定してください。") from exc
        else:
            as_of = dt.date(timezone.localdate().year, 1, 1)
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"ファイル {path} が見つかりません。")
        try:
            result = import_population(data=path.read_bytes(), as_of=as_of, source=options["source"])
        except PopulationImportError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(result.cities.values())
        self.stdout.write(
            f"{len(result.cities)} 市区町村の人口（計 {total:,} 人、基準日 {as_of:%Y-%m-%d}）を読み込みました。"
        )
