"""URL patterns of the operations centre (see urls.py)."""

urlpatterns: list = []
