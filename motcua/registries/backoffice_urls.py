from django.urls import path

from motcua.registries import backoffice_views

app_name = "verification"
urlpatterns = [
    path("", backoffice_views.queue, name="queue"),
    path("<int:pk>/ket-qua", backoffice_views.resolve, name="resolve"),
]
