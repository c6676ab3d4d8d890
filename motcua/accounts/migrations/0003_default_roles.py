from django.db import migrations


def create_default_roles(apps, schema_editor):
    from motcua.accounts.permissions import DEFAULT_ROLES

    Role = apps.get_model("accounts", "Role")
    for key, (name_vi, name_en, permissions) in DEFAULT_ROLES.items():
        Role.objects.get_or_create(key=key, defaults={"name_vi": name_vi, "name_en": name_en,
                                                      "permissions": list(permissions)})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_memberships_authorisations")]

    operations = [migrations.RunPython(create_default_roles, migrations.RunPython.noop)]
