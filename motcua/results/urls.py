"""The results app's pages: the public verification page, the holder's download, and the back
office's signing, downloads, certified print and counter digitisation (under /van-phong/)."""

from django.urls import path

from motcua.results import digitisation_views, views

app_name = "results"
urlpatterns = [
    path("verify", views.verify_start, name="verify-start"),
    path("verify/<str:code>", views.verify, name="verify"),
    path("tai-khoan/ket-qua/<str:code>.pdf", views.holder_download, name="holder-download"),
    path("van-phong/ket-qua/<int:pk>/ky", views.sign, name="sign"),
    path("van-phong/ket-qua/<int:pk>/xem-truoc.pdf", views.preview, name="preview"),
    path("van-phong/ket-qua/<int:pk>/ket-qua.pdf", views.office_download, name="office-download"),
    path("van-phong/ket-qua/<int:pk>/ban-in", views.certified_print, name="print"),
    path("van-phong/so-hoa/<int:pk>", digitisation_views.digitisation_fragment, name="digitisation"),
    path(
        "van-phong/so-hoa/<int:pk>/<int:digitisation_id>.pdf",
        digitisation_views.digitisation_pdf,
        name="digitisation-pdf",
    ),
]
