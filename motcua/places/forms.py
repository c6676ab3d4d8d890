from django import forms
from django.utils.translation import gettext_lazy as _


class LegacyAddressForm(forms.Form):
    province = forms.CharField(
        label=_("Province or city (before 1 July 2025)"),
        max_length=100,
        help_text=_("E.g. Bình Dương, TP. Hồ Chí Minh"),
    )
    district = forms.CharField(label=_("District"), max_length=100, help_text=_("E.g. Quận 5, Thuận An"))
    ward = forms.CharField(
        label=_("Ward or commune"),
        max_length=100,
        required=False,
        help_text=_("E.g. Phường 9, Xã An Phú Tây"),
    )


class DeadlineForm(forms.Form):
    YEARS = (2000, 2100)

    start = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    days = forms.DecimalField(
        label=_("Time limit (working days)"),
        min_value=0,
        max_value=365,
        decimal_places=1,
        help_text=_("Half days are allowed, e.g. 0.5"),
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not self.YEARS[0] <= start.year <= self.YEARS[1]:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": self.YEARS[0], "last": self.YEARS[1]}
            )
        return start
