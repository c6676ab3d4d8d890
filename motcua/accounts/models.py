"""Users. Defined from the first migration so later issues extend it without swapping user models."""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: citizen, business representative, official or administrator."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
