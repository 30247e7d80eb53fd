from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import RoleAssignment, User


class RoleAssignmentForm(WagtailAdminModelForm):
    """Staff grant a role by the person's e-mail address (a select of every user would not scale)."""

    user_email = forms.EmailField(label=_("ユーザーのメールアドレス"))

    class Meta:
        model = RoleAssignment
        fields = ["role", "is_national", "prefecture", "municipality", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["user_email"].initial = self.instance.user.email

    def clean_user_email(self):
        email = self.cleaned_data["user_email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("このメールアドレスの有効なユーザーは見つかりません。"))
        return user

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user_email")
        if user is not None:
            self.instance.user = user
            duplicate = RoleAssignment.objects.filter(
                user=user,
                role=cleaned.get("role"),
                is_national=bool(cleaned.get("is_national")),
                prefecture=cleaned.get("prefecture"),
                municipality=cleaned.get("municipality"),
                organisation=cleaned.get("organisation"),
            ).exclude(pk=self.instance.pk)
            if duplicate.exists():
                raise forms.ValidationError(_("同じ役割と範囲がすでに割り当てられています。"))
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if instance.granted_by_id is None and getattr(self, "for_user", None) is not None:
            instance.granted_by = self.for_user
        if commit:
            instance.save()
        return instance
