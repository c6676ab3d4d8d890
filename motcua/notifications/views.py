from django.shortcuts import render
from django.views.decorators.cache import never_cache

from motcua.notifications.models import LocalSms


@never_cache
def demo_sms_inbox(request):
    """Demo only: the text messages the local SMS gateway 'sent', as a phone would show them."""
    phone = request.GET.get("phone", "").strip()[:20]
    messages = LocalSms.objects.filter(to=phone)[:20] if phone else []
    return render(request, "notifications/demo_sms.html", {"phone": phone, "sms": messages})
