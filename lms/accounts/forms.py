"""Sign-up and profile forms. The prefecture → municipality choice works without JavaScript: the municipality list
is narrowed to the chosen prefecture on the server (a "市区町村を表示" button re-renders the form), and JavaScript
only makes that instant."""

from __future__ import annotations

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.userkit import filter_users_by_email
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from lms.regions.models import Municipality, Prefecture

from . import messages as msg
from .enums import AgeBand, OccupationField
from .models import LearnerProfile
from .services import clean_person_text, create_learner_profile, is_kana, normalise_furigana

UPDATE_MUNICIPALITIES = "_update_municipalities"


class ResidenceFieldsMixin:
    """Adds prefecture and municipality fields: validation accepts any active municipality (so a mismatch gets its
    own clear message), rendering lists only those of the chosen prefecture."""

    def _init_residence(self, prefecture_code: str | None):
        self.fields["prefecture"] = forms.ModelChoiceField(
            label=_("お住まいの都道府県"),
            queryset=Prefecture.objects.all(),
            empty_label=_("選んでください"),
            error_messages={"required": _("お住まいの都道府県を選んでください。")},
        )
        self.fields["municipality"] = forms.ModelChoiceField(
            label=_("お住まいの市区町村"),
            queryset=Municipality.objects.selectable().select_related("prefecture"),
            error_messages={
                "required": msg.MUNICIPALITY_REQUIRED,
                "invalid_choice": msg.MUNICIPALITY_REQUIRED,
            },
            help_text=_("政令指定都市にお住まいの方は、区ではなく市を選んでください。"),
        )
        if prefecture_code:
            options = list(
                Municipality.objects.selectable().in_prefecture(prefecture_code).values_list("code", "name")
            )
            self.fields["municipality"].widget.choices = [("", _("選んでください")), *options]
            # Whose list this is: region-select.js rebuilds it on `pageshow` when the prefecture differs.
            self.fields["municipality"].widget.attrs["data-prefecture"] = prefecture_code
        else:
            self.fields["municipality"].widget.choices = [("", msg.PREFECTURE_FIRST)]

    def _clean_residence(self, cleaned_data):
        prefecture = cleaned_data.get("prefecture")
        municipality = cleaned_data.get("municipality")
        if prefecture and municipality and municipality.prefecture_id != prefecture.code:
            self.add_error("municipality", msg.MUNICIPALITY_NOT_IN_PREFECTURE)
        return cleaned_data


def _chosen_prefecture(data, initial) -> str | None:
    if data is not None and data.get("prefecture"):
        return data.get("prefecture")
    value = (initial or {}).get("prefecture")
    return getattr(value, "code", value) or None


class PersonFieldsMixin:
    def clean_full_name(self):
        value = clean_person_text(self.cleaned_data["full_name"])
        if not value:
            raise forms.ValidationError(_("氏名を入力してください。"))
        if any(ch in value for ch in "<>"):
            raise forms.ValidationError(msg.NAME_INVALID)
        return value

    def clean_furigana(self):
        value = normalise_furigana(self.cleaned_data["furigana"])
        if not is_kana(value):
            raise forms.ValidationError(msg.FURIGANA_NOT_KANA)
        return value


def _person_fields():
    return {
        "full_name": forms.CharField(
            label=_("氏名"),
            max_length=100,
            help_text=_("修了証に印字されます。"),
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
            error_messages={"required": _("氏名を入力してください。")},
        ),
        "furigana": forms.CharField(
            label=_("ふりがな"),
            max_length=100,
            help_text=_("ひらがな または カタカナで入力してください。"),
            error_messages={"required": _("ふりがなを入力してください。")},
        ),
        "age_band": forms.ChoiceField(
            label=_("年代"),
            choices=[("", _("選んでください")), *AgeBand.choices],
            error_messages={"required": _("年代を選んでください。")},
        ),
        "occupation": forms.ChoiceField(
            label=_("職業分野（任意）"),
            choices=[("", _("回答しない")), *OccupationField.choices],
            required=False,
        ),
        # Not pre-ticked: a consent is only a consent when the person gives it (任意).
        "consent_statistics": forms.BooleanField(
            label=_("地域ごとの受講状況の統計（集計値のみ・個人は特定されません）に含めてよい（任意）"),
            required=False,
        ),
    }


def _employer_share_field(organisation):
    """Shown in the profile only while the person is linked to an organisation: unticking it ends the link
    (lms.accounts.services.update_learner_profile). Consent to share is asked when linking (certificates)."""
    return forms.BooleanField(
        label=_("%(name)sに修了状況を共有する（外すと連携を解除します）") % {"name": organisation.name},
        required=False,
    )


def _plain_email_label(field):
    field.label = _("メールアドレス")
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs["autocomplete"] = "email"


# The User and allauth EmailAddress columns hold 254 characters (RFC 5321's limit on a usable address). allauth
# silently cuts a longer address to fit (so two long addresses became one and the second sign-up was a 500): refuse
# it with a clear message instead.
EMAIL_MAX_LENGTH = 254


def _limit_email_length(field):
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH, message=msg.EMAIL_TOO_LONG))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_email_label(self.fields["login"])
        self.fields["password"].widget.attrs.pop("placeholder", None)


class AddEmailForm(AllauthAddEmailForm):
    """マイページ → メールアドレス: adding an address has the same length limit as sign-up."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_email_label(self.fields["email"])
        _limit_email_length(self.fields["email"])


class ResetPasswordForm(AllauthResetPasswordForm):
    """The password-reset form answers the same for every address: registered or not, the next page says a mail
    was sent (allauth then mails the address either the reset link or a note that it has no account). Enumeration
    prevention stays off for sign-up only (settings.ACCOUNT_PREVENT_ENUMERATION), which allauth would otherwise
    apply here too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_email_label(self.fields["email"])
        _limit_email_length(self.fields["email"])

    def clean_email(self) -> str:
        from allauth.account.adapter import get_adapter

        email = get_adapter().clean_email(self.cleaned_data["email"].lower())
        self.users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
        return self.cleaned_data["email"]


class SignupForm(PersonFieldsMixin, ResidenceFieldsMixin, AllauthSignupForm):
    """The learner's sign-up: e-mail and password (allauth) plus who they are and where they live."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_email_label(self.fields["email"])
        _limit_email_length(self.fields["email"])
        self.fields["password1"].widget.attrs.pop("placeholder", None)
        self.fields["password2"].widget.attrs.pop("placeholder", None)
        self.fields.update(_person_fields())
        self._init_residence(_chosen_prefecture(self.data if self.is_bound else None, self.initial))
        self.fields["consent_terms"] = forms.BooleanField(
            label=_("利用規約とプライバシーポリシーに同意します"),
            required=True,
            error_messages={"required": msg.TERMS_REQUIRED},
        )
        order = [
            "email",
            "password1",
            "password2",
            "full_name",
            "furigana",
            "prefecture",
            "municipality",
            "age_band",
            "occupation",
            "consent_statistics",
            "consent_terms",
        ]
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        return self._clean_residence(cleaned)

    def save(self, request):
        from django.db import transaction

        with transaction.atomic():
            user = super().save(request)
            create_learner_profile(
                user=user,
                full_name=self.cleaned_data["full_name"],
                furigana=self.cleaned_data["furigana"],
                municipality=self.cleaned_data["municipality"],
                age_band=self.cleaned_data["age_band"],
                occupation=self.cleaned_data.get("occupation", ""),
                consent_statistics=self.cleaned_data.get("consent_statistics", False),
            )
        return user


class ProfileForm(PersonFieldsMixin, ResidenceFieldsMixin, forms.Form):
    """マイページ: edit what was given at sign-up."""

    def __init__(self, *args, profile: LearnerProfile | None = None, **kwargs):
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": profile.full_name,
                "furigana": profile.furigana,
                "prefecture": profile.municipality.prefecture_id,
                "municipality": profile.municipality_id,
                "age_band": profile.age_band,
                "occupation": profile.occupation,
                "consent_statistics": profile.consent_statistics,
                "consent_employer_share": profile.consent_employer_share,
            }
        super().__init__(*args, **kwargs)
        self.fields.update(_person_fields())
        employer = profile.employer if profile is not None and profile.consent_employer_share else None
        if employer is not None:
            self.fields["consent_employer_share"] = _employer_share_field(employer)
        self._init_residence(_chosen_prefecture(self.data if self.is_bound else None, self.initial))
        self.order_fields(
            [
                "full_name",
                "furigana",
                "prefecture",
                "municipality",
                "age_band",
                "occupation",
                "consent_statistics",
                "consent_employer_share",
            ]
        )

    def clean(self):
        return self._clean_residence(super().clean())


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("確認のため「退会する」と入力してください"),
        max_length=10,
        error_messages={"required": msg.DELETE_CONFIRM_MISMATCH},
    )

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "退会する":
            raise forms.ValidationError(msg.DELETE_CONFIRM_MISMATCH)
        return self.cleaned_data["confirm"]
