import pytest

from motcua.core.errors import ValidationError
from motcua.places.values import PlaceKind, place_value_clean

pytestmark = pytest.mark.django_db


def test_current_unit_is_labelled_with_its_province(loaded_places):
    value = place_value_clean({"kind": "unit", "unit_code": "26743", "text": "12 Lê Lợi"})
    assert value.label == "Phường Bến Thành, Thành phố Hồ Chí Minh"
    assert str(value) == "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"


def test_old_unit_keeps_its_district(loaded_places):
    value = place_value_clean({"kind": "legacy_unit", "unit_code": "27301"})
    assert value.kind == PlaceKind.LEGACY_UNIT
    assert value.label == "Phường 4, Quận 5, Thành phố Hồ Chí Minh"


def test_foreign_country_and_free_text_are_accepted(loaded_places):
    assert place_value_clean({"kind": "foreign", "country": "fr", "text": "Lyon"}).label == "France"
    assert place_value_clean({"kind": "text", "text": "Tàu SE1, ga Huế"}).text == "Tàu SE1, ga Huế"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "planet"}, "kind"),
        ({"kind": "unit", "unit_code": "99999"}, "unit_code"),
        ({"kind": "foreign", "country": "VN"}, "country"),
        ({"kind": "foreign", "country": "XX"}, "country"),
        ({"kind": "text", "text": "   "}, "text"),
    ],
)
def test_bad_places_say_what_to_fix(loaded_places, data, field):
    with pytest.raises(ValidationError) as exc:
        place_value_clean(data)
    assert exc.value.field == field
    assert exc.value.message_vi and exc.value.message_en
