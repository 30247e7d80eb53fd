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
