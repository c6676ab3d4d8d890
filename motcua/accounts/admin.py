from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseRedirect

from motcua.accounts.models import Authorisation, Membership, Role, User
from motcua.accounts.permissions import PERMISSIONS
from motcua.accounts.services import membership_end, membership_grant, role_save
from motcua.audit.services import audit_record
from motcua.core.errors import MotcuaError
from motcua.core.http import client_ip


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Account changes by administrators (password resets, staff or active flags) are audited."""

    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "motcua",
            {"fields": ("personal_id", "oidc_subject", "assurance_level", "phone", "date_of_birth", "sex")},
        ),
    )
    readonly_fields = ("personal_id", "oidc_subject", "assurance_level")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="user.admin_save",
            object_type="user",
            object_id=obj.pk,
            ip=client_ip(request),
            payload={"changed": sorted(form.changed_data)},
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                actor=request.user,
                action="user.password_reset",
                object_type="user",
                object_id=id,
                ip=client_ip(request),
            )
        return response


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        choices=[(key, f"{key} — {p.vi}") for key, p in PERMISSIONS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Role
        fields = ("key", "name_vi", "name_en", "permissions")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are data: a system administrator decides what each grants. Changes are audited."""

    form = RoleForm
    list_display = ("key", "name_vi", "name_en")

    def save_model(self, request, obj, form, change):
        try:
            role_save(actor=request.user, role=obj, ip=client_ip(request))
        except MotcuaError as error:
            messages.error(request, str(error))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who holds which role in which agency. Memberships end; they are never deleted (history)."""

    list_display = ("user", "role", "agency", "valid_from", "valid_to")
    list_filter = ("role", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "agency__name",
        "agency__electronic_id",
    )
    raw_id_fields = ("user", "agency")
    list_select_related = ("user", "role", "agency")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "agency", "role", "valid_from") if obj else ()

    def save_model(self, request, obj, form, change):
        try:
            if change:
                membership_end(actor=request.user, membership=obj, on=obj.valid_to)
            else:
                saved = membership_grant(
                    actor=request.user,
                    user=obj.user,
                    agency=obj.agency,
                    role_key=obj.role.key,
                    valid_from=obj.valid_from,
                    valid_to=obj.valid_to,
                )
                obj.pk = saved.pk
        except MotcuaError as error:
            raise DjangoValidationError(str(error)) from error

    def changeform_view(self, request, *args, **kwargs):
        # A refusal from the service becomes a message on the form, never a server error.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DjangoValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.path)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ("grantee", "grantor", "valid_from", "valid_to", "revoked_at")
    search_fields = ("grantee__username", "grantor__username", "basis")
    raw_id_fields = ("grantor", "grantee")
    readonly_fields = (
        "grantor",
        "grantee",
        "procedure_codes",
        "valid_from",
        "valid_to",
        "basis",
        "revoked_at",
    )

    def has_add_permission(self, request):
        return False  # recorded through the service, by the grantor or from a legal document

    def has_delete_permission(self, request, obj=None):
        return False
