from django.db import transaction

from .models import ConsultationResource
from .seed_resources import CONSULTATION_RESOURCES


@transaction.atomic
def load_consultation_resources() -> list[str]:
    """Create the seeds' consultation windows that do not exist yet (matched by `key`). Idempotent, and never
    overwrites what an editor has changed since."""
    created = 0
    for data in CONSULTATION_RESOURCES:
        values = {k: v for k, v in data.items() if k != "key"}
        resource = ConsultationResource(key=data["key"], **values)
        if ConsultationResource.objects.filter(key=data["key"]).exists():
            continue
        resource.full_clean()
        resource.save()
        created += 1
    return [f"相談窓口: {created} 件を作成（合計 {ConsultationResource.objects.count()} 件）"]
