"""Models of the home app, split by role: pages, campaign pages, snippets."""

from .campaigns import CampaignIndexPage, CampaignPage
from .contact import ContactMessage, OperatorSettings
from .pages import HomePage, StandardPage
from .snippets import ConsultationPeriod, ConsultationResource

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "ConsultationPeriod",
    "ContactMessage",
    "ConsultationResource",
    "HomePage",
    "OperatorSettings",
    "StandardPage",
]
