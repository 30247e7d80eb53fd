import time

from django.core.management.base import BaseCommand, CommandError

from devtools import synth
from lms.reports import tasks


class Command(BaseCommand):
    help = (
        "Create N synthetic learners (@synth.invalid) with realistic progress over the last 24 months, spread over "
        "all prefectures, then rebuild the report roll-ups. --delete removes them. Development and test settings only "
        "(the devtools app); refused wherever DEMO_DATA_ALLOWED is false or the settings are production's, and "
        "--force changes nothing about that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0, help="How many learners to create")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same learners)")
        parser.add_argument("--batch-size", type=int, default=20_000)
        parser.add_argument("--delete", action="store_true", help="Delete every synthetic learner instead")
        parser.add_argument("--no-rollups", action="store_true", help="Skip rebuilding the roll-ups afterwards")
        parser.add_argument(
            "--force", action="store_true", help="Accepted for old scripts; never overrides the production refusal"
        )

    def handle(self, *args, **options):
        # No override, --force included: synthetic learners in a production database would be counted in official
        # figures.
        try:
            synth.refuse_in_production()
        except synth.SyntheticDataRefused as refused:
            raise CommandError(str(refused)) from None
        started = time.perf_counter()
        if options["delete"]:
            deleted = synth.delete_synthetic()
            self.stdout.write(f"合成受講者 {deleted:,} 人を削除しました。")
        else:
            count = options["count"]
            if count <= 0:
                raise CommandError("--count に1以上の人数を指定してください。")

            def progress(made):
                self.stderr.write(f"  {made:,} / {count:,} 人（{time.perf_counter() - started:.0f} 秒）")

            made = synth.synthesise(
                count=count, seed=options["seed"], batch_size=options["batch_size"], progress=progress
            )
            self.stdout.write(f"合成受講者 {made:,} 人を作成しました（{time.perf_counter() - started:.1f} 秒）。")
        if not options["no_rollups"]:
            t0 = time.perf_counter()
            figures = tasks.rebuild_with_plans()
            self.stdout.write(
                f"集計表を作り直しました（{time.perf_counter() - t0:.1f} 秒）: "
                + ", ".join(f"{k}={v:,}" for k, v in figures.items())
            )
