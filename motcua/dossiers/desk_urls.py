from django.urls import path

from motcua.dossiers import desk_views

app_name = "desk"
urlpatterns = [
    path("", desk_views.queue, name="queue"),
    path("<int:pk>", desk_views.detail, name="dossier"),
    path("<int:pk>/tep/<int:file_id>", desk_views.download, name="file"),
    path("<int:pk>/<slug:action>", desk_views.act, name="act"),
]
