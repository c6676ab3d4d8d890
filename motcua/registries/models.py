"""The local (embedded) base registries: population, businesses and the citizens' document store.

They stand in for the national population database, the business registry and the citizen's
document store ("kho dữ liệu") in the demo and in tests; production talks to the real ones through
the HTTP adapters. Places are kept as place values (JSON, see motcua.places.values).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=20, unique=True)
    head_personal_id = models.CharField(_("head of household"), max_length=12, db_index=True)
    address = models.JSONField(_("address"))

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """One person of the population registry (domain.md §6)."""

    class Marital(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    personal_id = models.CharField(_("personal identification number"), max_length=12, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    other_names = models.CharField(_("other names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6)
    place_of_birth = models.JSONField(_("place of birth"))
    birth_registration_place = models.JSONField(_("place of birth registration"))
    home_town = models.JSONField(_("home town"))
    ethnicity = models.CharField(_("ethnicity"), max_length=40)
    religion = models.CharField(_("religion"), max_length=40, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    id_card_issued_on = models.DateField(_("ID card issued on"), null=True, blank=True)
    id_card_expires_on = models.DateField(_("ID card expires on"), null=True, blank=True)
    permanent_residence = models.JSONField(_("permanent residence"), null=True, blank=True)
    temporary_residence = models.JSONField(_("temporary residence"), null=True, blank=True)
    current_residence = models.JSONField(_("current residence"), null=True, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=Marital.choices)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(_("relation to the head of household"), max_length=20, blank=True)
    father_personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    mother_personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    spouse_personal_id = models.CharField(max_length=12, blank=True)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    born_abroad = models.BooleanField(default=False)
    naturalised = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("person (population registry)")
        verbose_name_plural = _("people (population registry)")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"


class Business(models.Model):
    """One business of the business registry."""

    enterprise_code = models.CharField(_("enterprise code"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30)
    status = models.CharField(_("status"), max_length=20, default="active")
    head_office = models.JSONField(_("head office"))
    registered_on = models.DateField(_("registration date"))
    business_lines = models.JSONField(_("business lines"), default=list)
    representatives = models.JSONField(
        _("legal representatives"), default=list, help_text=_("Personal identification numbers.")
    )

    class Meta:
        verbose_name = _("business (business registry)")
        verbose_name_plural = _("businesses (business registry)")

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise_code})"


class StoredDocument(models.Model):
    """An item of a person's or business's document store, reusable in later applications."""

    owner_personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    owner_enterprise_code = models.CharField(max_length=14, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=40)
    number = models.CharField(_("number"), max_length=40)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    data = models.JSONField(_("data"), default=dict)
    file = models.FileField(_("file"), upload_to="document-store/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        indexes = [models.Index(fields=["owner_personal_id", "kind"], name="stored_doc_owner_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class DataAccess(models.Model):
    """One read of a person's registry data: whose, which attributes, who read it, why, when.

    domain.md §6: every access is recorded and the person can see it ("Ai đã xem dữ liệu của tôi").
    """

    class Accessor(models.TextChoices):
        SELF = "self", _("The person themself")
        APPLICANT = "applicant", _("An applicant who declared a relation")
        OFFICIAL = "official", _("An official")
        SYSTEM = "system", _("The system")

    personal_id = models.CharField(_("whose data"), max_length=12, db_index=True)
    attributes = models.JSONField(_("attributes read"), default=list)
    source = models.CharField(_("registry"), max_length=40)
    accessor_kind = models.CharField(_("read by"), max_length=10, choices=Accessor.choices)
    accessor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reader"),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    # When an applicant pulls a related person's data: the relation they declared (spouse, child…).
    declared_relation = models.CharField(_("declared relation"), max_length=20, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["personal_id", "-at"], name="data_access_person_recent")]

    def __str__(self) -> str:
        return f"{self.personal_id} {self.source} {self.at:%Y-%m-%d %H:%M}"


class Prefill(models.Model):
    """What the registries filled into one applicant's form for one procedure, kept until the
    application is made: values with their provenance, the applicant's corrections (declared, beside
    the registry value), the related people they pulled in, and when they consented to the lookup.

    One per applicant and procedure; the dossier's draft (dossiers app) takes the values from here.
    """

    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="prefills", verbose_name=_("applicant")
    )
    procedure_code = models.CharField(_("procedure"), max_length=10)
    procedure_version = models.PositiveIntegerField(_("version"))
    enterprise_code = models.CharField(_("for the business"), max_length=14, blank=True)
    consented_at = models.DateTimeField(_("consented at"))
    form = models.JSONField(_("prefilled form"), default=dict)
    # What the applicant typed to pull related people in (block key → number, date of birth).
    related_requests = models.JSONField(_("related people asked for"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prefilled form")
        verbose_name_plural = _("prefilled forms")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "procedure_code", "enterprise_code"], name="prefill_one_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} / {self.applicant_id}"


class DocumentReuse(models.Model):
    """A stored document the applicant chose instead of uploading a paper ("enter data once")."""

    prefill = models.ForeignKey(Prefill, on_delete=models.CASCADE, related_name="reused_documents")
    document_key = models.CharField(_("document of the procedure"), max_length=50)
    stored_id = models.CharField(_("stored document"), max_length=40)
    source = models.CharField(_("document store"), max_length=40)
    kind = models.CharField(_("kind"), max_length=40)
    number = models.CharField(_("number"), max_length=40)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    chosen_at = models.DateTimeField(_("chosen at"), auto_now=True)

    class Meta:
        verbose_name = _("reused document")
        verbose_name_plural = _("reused documents")
        constraints = [
            models.UniqueConstraint(
                fields=["prefill", "document_key"], name="document_reuse_one_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_key}: {self.kind} {self.number}"


class VerificationCase(models.Model):
    """The exception queue: an applicant whose data the population registry cannot confirm (born
    abroad, naturalised, stateless, no record, registry down) for a procedure that needs verified data.
    An official checks their papers and records the outcome; the application is never blocked."""

    class Reason(models.TextChoices):
        NOT_FOUND = "not_found", _("No record in the population registry")
        BORN_ABROAD = "born_abroad", _("Born abroad")
        NATURALISED = "naturalised", _("Naturalised")
        STATELESS = "stateless", _("Stateless or nationality unknown")
        UNAVAILABLE = "unavailable", _("The registry did not answer")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an official")
        VERIFIED = "verified", _("Verified from papers")
        NOT_VERIFIED = "not_verified", _("Could not be verified")

    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="verification_cases"
    )
    personal_id = models.CharField(_("personal identification number"), max_length=12, db_index=True)
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    procedure_code = models.CharField(_("procedure"), max_length=10)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    # Where it is handled: the competent agency once the dossier is submitted; until then the
    # province's public administration centre (see registries.selectors.verification_queue).
    agency = models.ForeignKey(
        "places.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The centre that handles the dossier for the competent agency (a commune's centre for its
    # People's Committee): its officials work the case too (decision 0009).
    handling_agency = models.ForeignKey(
        "places.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The dossier that took the case over. A plain id and code, not a foreign key: registries sits
    # below dossiers and never depends on it (DESIGN.md, decision 0009).
    dossier_id = models.PositiveBigIntegerField(_("dossier"), null=True, blank=True, db_index=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    moved_at = models.DateTimeField(_("moved to the competent agency at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    checked_document = models.CharField(_("papers checked"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("verification case")
        verbose_name_plural = _("verification cases")
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "procedure_code"],
                condition=models.Q(status="open"),
                name="verification_one_open_per_procedure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.full_name} ({self.get_status_display()})"
