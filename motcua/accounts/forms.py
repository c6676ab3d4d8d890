from django import forms
from django.utils.translation import gettext_lazy as _


class BackOfficeLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "maxlength": "8",
            }
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class AssistedForm(forms.Form):
    agency = forms.IntegerField(widget=forms.HiddenInput)
    personal_id = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = forms.DateField(label=_("Date of birth"), help_text=_("dd/mm/yyyy"))
    document_kind = forms.ChoiceField(
        label=_("Document checked"),
        choices=[
            ("id_card", _("Citizen identity card")),
            ("vneid", _("VNeID app (level 2)")),
            ("passport", _("Passport")),
            ("other", _("Other document")),
        ],
    )
    document_number = forms.CharField(label=_("Document number"), max_length=30, required=False)
