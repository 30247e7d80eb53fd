"""Home app: the home page with a running campaign and the consultation windows, the campaign index with ten years
of archive, a campaign page, the privacy policy (median server time and SQL queries per request); and the cost of
the every-minute scheduled-publishing job, idle and with 50 pages due at once."""

from __future__ import annotations

import datetime as dt
import time

import time_machine
from django.core.management import call_command
from django.utils import timezone

from home.blocks import CampaignBodyBlock
from home.demo import campaign_body
from home.models import StandardPage
from home.services import create_campaign, get_home_page, seed_site, stream_value


def _time_ms(func) -> float:
    t0 = time.perf_counter()
    func()
    return (time.perf_counter() - t0) * 1000


def run(ctx) -> dict:
    seed_site()
    today = timezone.localdate()
    body = stream_value(CampaignBodyBlock(), campaign_body())
    for year in range(today.year - 10, today.year):
        create_campaign(year=year, title=f"{year}年の強化月間", body=body)
    running = create_campaign(
        year=today.year, title=f"{today.year}年の強化月間", starts_on=today, ends_on=today + dt.timedelta(days=5), body=body
    )
    create_campaign(year=today.year + 1, title=f"{today.year + 1}年の強化月間", body=body)

    client = ctx.client()
    figures = {}
    figures.update(ctx.measure(client, "GET", "/").as_dict("home_page_with_campaign"))
    figures.update(ctx.measure(client, "GET", "/campaign/").as_dict("campaign_index_12_years"))
    figures.update(ctx.measure(client, "GET", running.url).as_dict("campaign_page"))
    figures.update(ctx.measure(client, "GET", "/privacy/").as_dict("privacy_page"))

    figures["publish_scheduled_idle_ms"] = round(_time_ms(lambda: call_command("publish_scheduled", verbosity=0)), 1)
    home = get_home_page()
    go_live = timezone.now() + dt.timedelta(days=1)
    for n in range(50):
        page = StandardPage(title=f"予約公開 {n}", slug=f"scheduled-{n}", go_live_at=go_live, live=False)
        home.add_child(instance=page)
        page.save_revision().publish()
    with time_machine.travel(go_live + dt.timedelta(minutes=1), tick=True):
        figures["publish_scheduled_50_due_ms"] = round(
            _time_ms(lambda: call_command("publish_scheduled", verbosity=0)), 1
        )
    figures["publish_scheduled_50_due_published"] = StandardPage.objects.filter(slug__startswith="scheduled-", live=True).count()
    return figures
