"""Dossier codes stay unique when many counters receive at the same moment (SQLite and PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, transaction


@pytest.mark.django_db(transaction=True)
def test_parallel_receptions_never_share_a_code():
    from motcua.dossiers.codes import dossier_code_next
    from motcua.places.models import Agency
    from motcua.places.services import places_load

    if not Agency.objects.exists():  # an earlier transactional test may have emptied the tables
        places_load()
    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    day = date(2026, 11, 23)

    def receive(worker: int) -> list[str]:
        codes = []
        try:
            for _ in range(25):
                with transaction.atomic():
                    codes.append(dossier_code_next(agency=agency, day=day))
        finally:
            connection.close()
        return codes

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for batch in pool.map(receive, range(8)) for code in batch]
    assert len(codes) == len(set(codes)) == 200
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 201))
    assert all(c.startswith(f"{agency.electronic_id}-261123-") for c in codes)


@pytest.mark.django_db
def test_the_day_after_9999_receptions_refuses_a_code_and_keeps_the_counter(loaded_places):
    from motcua.core.errors import Conflict
    from motcua.dossiers.codes import dossier_code_next
    from motcua.dossiers.models import DossierCodeCounter
    from motcua.places.models import Agency

    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    day = date(2026, 11, 23)
    with transaction.atomic():
        assert dossier_code_next(agency=agency, day=day).endswith("-261123-0001")  # the day's first
    DossierCodeCounter.objects.filter(agency=agency, day=day).update(last=9998)
    with transaction.atomic():
        assert dossier_code_next(agency=agency, day=day).endswith("-9999")
    with pytest.raises(Conflict) as refused, transaction.atomic():
        dossier_code_next(agency=agency, day=day)
    assert refused.value.code == "code_exhausted"
    assert DossierCodeCounter.objects.get(agency=agency, day=day).last == 9999
    with transaction.atomic():  # another agency's counter is its own
        other = Agency.objects.exclude(pk=agency.pk).filter(kind=agency.kind).first()
        assert dossier_code_next(agency=other, day=day).endswith("-0001")
