"""Give the default roles the registry permissions of issue 5 (reading a dossier's people's registry
data, resolving the exception queue), and the receiver the hand-over of what they received to the
processing department. Roles an administrator has emptied are left alone."""

from django.db import migrations

GRANTS = {
    "receiver": ["registry.read", "registry.resolve_exception", "dossier.hand_over"],
    "processor": ["registry.read", "registry.resolve_exception"],
    "head": ["registry.read"],
}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(key__in=GRANTS):
        if role.permissions:
            role.permissions = sorted(set(role.permissions) | set(GRANTS[role.key]))
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(key__in=GRANTS):
        role.permissions = [p for p in role.permissions if p not in GRANTS[role.key]]
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_enterprise_authorisation")]

    operations = [migrations.RunPython(grant, revoke)]
