import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from lms.accounts.enums import AgeBand
from lms.accounts.models import LearnerProfile, User
from lms.regions.models import Municipality

TOTTORI_CITY = "312011"
KYOTO_CITY = "261009"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ProfileFactory(user=obj, **kwargs)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerProfile

    user = factory.SubFactory(UserFactory, profile=False)
    full_name = factory.Sequence(lambda n: f"受講 花子{n}")
    furigana = "じゅこう はなこ"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code=TOTTORI_CITY))
    age_band = AgeBand.AGE_30S
    occupation = ""
    consent_terms_at = factory.LazyFunction(timezone.now)
