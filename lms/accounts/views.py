from allauth.account.decorators import reauthentication_required
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import messages as msg
from .enums import Role
from .forms import UPDATE_MUNICIPALITIES, DeleteAccountForm, ProfileForm
from .models import LearnerProfile
from .mypage import render_panels
from .services import delete_account, update_learner_profile


class SignupView(AllauthSignupView):
    """allauth's sign-up, plus the no-JavaScript step that lists the chosen prefecture's municipalities."""

    def post(self, request, *args, **kwargs):
        if UPDATE_MUNICIPALITIES in request.POST:
            initial = {k: v for k, v in request.POST.items() if k not in ("password1", "password2", "csrfmiddlewaretoken")}
            form = self.get_form_class()(initial=initial)
            context = self.get_context_data(form=form)
            # What was typed is kept (initial); passwords are never sent back in the page, so say so.
            if request.POST.get("password1") or request.POST.get("password2"):
                context["passwords_notice"] = msg.PASSWORDS_RETYPE
            return self.render_to_response(context)
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
def mypage(request):
    profile = LearnerProfile.objects.select_related("municipality__prefecture").filter(user=request.user).first()
    roles = request.user.role_assignments.select_related("prefecture", "municipality", "organisation")
    return render(
        request,
        "accounts/mypage.html",
        {
            "profile": profile,
            "roles": roles,
            "is_trainer": any(r.role == Role.TRAINER for r in roles),
            "panels": render_panels(request),
        },
    )


@never_cache
@login_required
def profile_edit(request):
    profile = LearnerProfile.objects.select_related("municipality").filter(user=request.user).first()
    if profile is None:
        messages.info(request, _("プロフィールがまだありません。"))
        return redirect("accounts:mypage")
    if request.method == "POST" and UPDATE_MUNICIPALITIES in request.POST:
        form = ProfileForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = ProfileForm(request.POST, profile=profile)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "prefecture"}
            update_learner_profile(profile=profile, **data)
            messages.success(request, _("プロフィールを更新しました。"))
            return redirect("accounts:mypage")
    else:
        form = ProfileForm(profile=profile)
    return render(request, "accounts/profile_form.html", {"form": form})


@never_cache
@login_required
@reauthentication_required(allow_get=True)
def account_delete(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            delete_account(user=request.user)
            logout(request)
            messages.success(request, _("退会手続きが完了しました。ご利用ありがとうございました。"))
            return redirect("/")
    else:
        form = DeleteAccountForm()
    return render(request, "accounts/account_delete.html", {"form": form})


# --- Two-factor enrolment (lms/accounts/mfa.py) -----------------------------------------------------------------


@never_cache
@login_required
def mfa_enrol(request):
    """Setting up a first TOTP device starts here: a one-time link to the account's address."""
    from . import messages as msg
    from . import mfa

    if mfa.has_device(request.user):
        return redirect("mfa_index")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        if mfa.start_enrolment(request, next_url):
            messages.success(request, msg.MFA_ENROLMENT_SENT)
        else:
            messages.warning(request, msg.MFA_ENROLMENT_TOO_SOON)
        return redirect("accounts:mfa_enrol")
    return render(request, "accounts/mfa_enrol.html", {"next": mfa._safe_next(request, next_url)})


@never_cache
@login_required
def mfa_enrol_confirm(request, token: str):
    from urllib.parse import quote

    from django.urls import reverse

    from . import messages as msg
    from . import mfa

    if not mfa.confirm_enrolment(request, token):
        messages.error(request, msg.MFA_ENROLMENT_LINK_INVALID)
        return redirect("accounts:mfa_enrol")
    messages.success(request, msg.MFA_ENROLMENT_CONFIRMED)
    url = reverse("mfa_activate_totp")
    next_url = mfa.enrolment_next(request)
    return redirect(f"{url}?next={quote(next_url, safe='/?=&')}" if next_url else url)
