from django.conf import settings

TEXT_SIZE_COOKIE = "motcua_text"
TEXT_SIZES = ("normal", "large")


def display_preferences(request):
    """The reader's display choices, remembered in a cookie so pages render right without script."""
    size = request.COOKIES.get(TEXT_SIZE_COOKIE)
    return {
        "text_size": size if size in TEXT_SIZES else "normal",
        "available_languages": settings.LANGUAGES,
    }
