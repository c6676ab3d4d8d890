from django.urls import path

from motcua.accounts import citizen_views

app_name = "citizen"
urlpatterns = [
    path("", citizen_views.profile, name="profile"),
    path("thong-bao", citizen_views.inbox, name="inbox"),
    path("lien-he", citizen_views.contact_start, name="contact-start"),
    path("lien-he/xac-nhan", citizen_views.contact_confirm, name="contact-confirm"),
]
