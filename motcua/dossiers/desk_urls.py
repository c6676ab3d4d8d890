from django.urls import path

from motcua.dossiers import counter_views, desk_views

app_name = "desk"
urlpatterns = [
    path("", desk_views.queue, name="queue"),
    path("so-theo-doi.csv", desk_views.register, name="register"),
    path("so-theo-doi.xlsx", desk_views.register, {"fmt": "xlsx"}, name="register_xlsx"),
    path("tiep-nhan", counter_views.receive, name="counter"),
    path("chuyen-xu-ly", desk_views.hand_over_many, name="hand_over_many"),
    path("<int:pk>/phieu/<slug:kind>", desk_views.slip, name="slip"),
    path("<int:pk>", desk_views.detail, name="dossier"),
    path("<int:pk>/tep/<int:file_id>", desk_views.download, name="file"),
    path("<int:pk>/<slug:action>", desk_views.act, name="act"),
]
