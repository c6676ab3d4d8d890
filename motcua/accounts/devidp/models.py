from django.contrib.auth.hashers import check_password, make_password
from django.db import models


class DevIdentity(models.Model):
    """A person the development provider can sign in (assurance level 2, like a VNeID level-2 account)."""

    personal_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=6, choices=[("male", "male"), ("female", "female")])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    assurance_level = models.PositiveSmallIntegerField(default=2)
    password = models.CharField(max_length=200)
    subject = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class DevAuthorizationCode(models.Model):
    code = models.CharField(max_length=64, unique=True)
    identity = models.ForeignKey(DevIdentity, on_delete=models.CASCADE)
    client_id = models.CharField(max_length=100)
    redirect_uri = models.URLField(max_length=500)
    scope = models.CharField(max_length=200)
    nonce = models.CharField(max_length=200, blank=True)
    code_challenge = models.CharField(max_length=200, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code[:8]
