"""Users. Defined from the first migration so later issues extend it without swapping user models."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: citizen, business representative, official or administrator.

    Citizens come from the identity provider (VNeID) and are matched on its subject, never on e-mail;
    the personal identification number is kept as the provider asserted it.
    """

    oidc_subject = models.CharField(
        _("identity provider subject"), max_length=255, unique=True, null=True, blank=True
    )
    personal_id = models.CharField(
        _("personal identification number"), max_length=12, unique=True, null=True, blank=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(
        _("sex"), max_length=6, blank=True, choices=[("male", _("Male")), ("female", _("Female"))]
    )
    assurance_level = models.PositiveSmallIntegerField(_("identity assurance level"), default=0)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def full_name(self) -> str:
        """Family name first, as Vietnamese names are written ("Nguyễn Văn An")."""
        return f"{self.last_name} {self.first_name}".strip() or self.get_username()


class Role(models.Model):
    """A role officials hold in an agency (receiver, processor, head, signer, leader, …): data, editable."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    permissions = models.JSONField(
        _("permissions"),
        default=list,
        blank=True,
        help_text=_("Permission keys this role grants, e.g. dossier.receive."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name_vi


class Membership(models.Model):
    """An official's role in one agency, for a period ("phân công")."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        "places.Agency", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("agency")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("role")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "valid_from"], name="membership_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_to"], name="membership_user_validity")]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} — {self.agency}"


class Authorisation(models.Model):
    """A recorded authorisation ("ủy quyền"): the grantee may act for the grantor (a person, e.g. a
    parent for a child, or a business) on the procedures in scope, for a period."""

    grantor = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="authorisations_given",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
    )
    # A business grants by its enterprise code (10 digits, a branch 10-3); then ``grantor`` is empty.
    enterprise_code = models.CharField(_("enterprise code"), max_length=14, blank=True, db_index=True)
    grantee = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="authorisations_received",
        verbose_name=_("authorised person"),
    )
    procedure_codes = models.JSONField(
        _("procedures"),
        default=list,
        blank=True,
        help_text=_("Codes of the procedures covered; empty means all."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300, help_text=_("The document that records it."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(grantor__isnull=False) & models.Q(enterprise_code=""))
                | (models.Q(grantor__isnull=True) & ~models.Q(enterprise_code="")),
                name="authorisation_one_grantor",
            )
        ]
        indexes = [models.Index(fields=["grantee", "grantor"], name="authorisation_pair")]

    def __str__(self) -> str:
        return f"{self.grantee} → {self.grantor or self.enterprise_code}"


class ContactVerification(models.Model):
    """A one-time code sent to a new phone number or e-mail address; the contact changes only when
    the person types the code back (proving they receive messages there)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_verifications")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    value = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}"


class AssistedSession(models.Model):
    """A counter official serving a citizen who is present ("hỗ trợ tại quầy"): the identity document
    the official checked is recorded, and dossiers started in the session carry it."""

    class Document(models.TextChoices):
        ID_CARD = "id_card", _("Citizen identity card")
        PASSPORT = "passport", _("Passport")
        VNEID = "vneid", _("VNeID app (level 2)")
        OTHER = "other", _("Other document")

    official = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assisted_sessions")
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="assisted_sessions")
    citizen = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assisted_by"
    )
    personal_id = models.CharField(_("personal identification number"), max_length=12)
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    document_kind = models.CharField(_("document checked"), max_length=10, choices=Document.choices)
    document_number = models.CharField(_("document number"), max_length=30)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assisted session")
        verbose_name_plural = _("assisted sessions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.official} ↔ {self.full_name}"
