from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "講座・研修会"

    def ready(self):
        from wagtail.signals import page_published

        from lms.accounts.mypage import register_panel

        from .models import WorkshopPage
        from .mypage import trainer_panel, workshops_panel
        from .signal_handlers import handle_workshop_published

        register_panel("workshops", order=20, func=workshops_panel)
        register_panel("trainer-console", order=5, func=trainer_panel)

        from home import sections

        from .sections import campaign_workshops_section, upcoming_workshops_section

        sections.register_section(sections.HOME_MAIN, "upcoming-workshops", order=10, func=upcoming_workshops_section)
        sections.register_section(sections.CAMPAIGN_MAIN, "campaign-workshops", order=10, func=campaign_workshops_section)
        page_published.connect(handle_workshop_published, sender=WorkshopPage, dispatch_uid="events_workshop_published")

        from . import feed_cache

        feed_cache.connect()  # a workshop's change renders the iCal feeds again (events/feed_cache.py)
