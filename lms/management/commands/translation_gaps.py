"""List (or add, untranslated, for a translator) the admin messages that have no Japanese (lms/i18n.py)."""

from django.core.management.base import BaseCommand

from lms.i18n import translation_gaps, vendor_catalogue_path


class Command(BaseCommand):
    help = "Wagtail・allauth などの日本語訳がないメッセージを一覧にします（--add で翻訳用に .po へ追加）。"

    def add_arguments(self, parser):
        parser.add_argument("--add", action="store_true", help="足りない msgid を空の訳で lms/locale-vendor の .po に追加する")

    def handle(self, *args, add=False, **options):
        gaps = translation_gaps()
        for gap in gaps:
            self.stdout.write(f"{gap.app}\t{gap.domain}\t{gap.msgctxt or ''}\t{gap.msgid!r}")
        if add and gaps:
            import polib

            for domain in {gap.domain for gap in gaps}:
                path = vendor_catalogue_path(domain)
                po = polib.pofile(path)
                for gap in (g for g in gaps if g.domain == domain):
                    kwargs = {"msgid": gap.msgid, "msgctxt": gap.msgctxt}
                    if gap.msgid_plural:
                        po.append(polib.POEntry(msgid_plural=gap.msgid_plural, msgstr_plural={0: ""}, **kwargs))
                    else:
                        po.append(polib.POEntry(msgstr="", **kwargs))
                po.save(path)
            self.stdout.write("追加しました。訳を入れてから msgfmt -c で .mo を作り直してください。")
        self.stdout.write(f"日本語訳のないメッセージ: {len(gaps)} 件")
