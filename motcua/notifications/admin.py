from django.contrib import admin

from motcua.notifications.models import DeliveryAttempt, LocalSms, Message


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "ok", "provider_reference", "error")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to", "subject", "status", "attempts")
    list_filter = ("channel", "status")
    search_fields = ("to", "subject")
    readonly_fields = (
        "channel",
        "to",
        "user",
        "template",
        "subject",
        "body",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    inlines = [DeliveryAttemptInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(LocalSms)
class LocalSmsAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "to", "text")
    search_fields = ("to",)

    def has_add_permission(self, request):
        return False
