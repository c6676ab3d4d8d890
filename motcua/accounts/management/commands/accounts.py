from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Accounts. `accounts code USERNAME` prints a demo official's current TOTP code (demo only)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        code = sub.add_parser(
            "code", help="Print the current two-step code of a demo account (DEMO=true only)."
        )
        code.add_argument("username")

    def handle(self, *args, action, username, **options):
        if not settings.MOTCUA_DEMO:
            raise CommandError("Only in the demo (DEMO=true): real officials read codes from their own app.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
