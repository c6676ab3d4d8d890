"""The operations centre's pages: the leaders' dashboards and the early-warning board under
/van-phong/dieu-hanh/, and the public transparency page /chi-so-phuc-vu/."""

from motcua.operations import dashboard_urls, warning_urls

app_name = "operations"
urlpatterns = [*dashboard_urls.urlpatterns, *warning_urls.urlpatterns]
