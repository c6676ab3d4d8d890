from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from motcua.accounts.models import Authorisation, Membership, Role, User
from motcua.accounts.permissions import PERMISSIONS
from motcua.accounts.services import membership_end, membership_grant, role_save
from motcua.core.errors import MotcuaError
from motcua.core.http import client_ip

admin.site.register(User, UserAdmin)


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
        if change:
            membership_end(actor=request.user, membership=obj, on=obj.valid_to)
        else:
            try:
                saved = membership_grant(
                    actor=request.user,
                    user=obj.user,
                    agency=obj.agency,
                    role_key=obj.role.key,
                    valid_from=obj.valid_from,
                    valid_to=obj.valid_to,
                )
            except MotcuaError as error:
                messages.error(request, str(error))
                return
            obj.pk = saved.pk

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
