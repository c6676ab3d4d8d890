"""A synthetic history of the province for benchmarks and demos (``motcua operations generate``).

Years of dossiers of the province the agencies are loaded for, written in bulk (PostgreSQL: ``COPY``;
SQLite: batched inserts) in one transaction, with their event log, their facts and the day and month
summaries, as if every one had gone through the services:

- each dossier is driven through the dossiers app's own bookkeeping — the state table
  (``states.TRANSITIONS``), the transition handlers (``handlers.HANDLERS``: supplements, approval,
  signing, delivery, withdrawal…), the clock (``clock.start_clock``/``pause``) and the steps — on a
  plain in-memory object, so its row, its events and the sign event's payload are what the services
  would have written (only authorisation, audit and notices are left out: there are no people);
- its fact comes from ``facts.fact_of``, the function the incremental path and the rebuild use, and
  the day rows are summed from the facts (a day's rows are final once every dossier received by that
  day is made, so they are written as the history advances and memory stays bounded);
- volumes follow the working calendar (working days only, a weekly pattern, the months, the weeks
  around Tết), grow over the years and move online (about 52 % by the end, domain.md §10); late
  shares (1–5 %) vary by unit and procedure; some dossiers are supplemented once, a few twice or more
  (late by rule), some refused at reception, withdrawn, stopped or refused after processing;
  digitisation, reuse of stored documents and registry data rise over time;
- history before 1 July 2025 belongs to the pre-2025 communes and provinces (``places load`` keeps
  them and who became whom). Their agencies are not part of the demo list, so they are made here, once,
  as synthetic agencies valid until 30 June 2025 and linked to their successors: commune ``n``'s
  People's Committee, one-stop desk and police get ``000|001|002.NN.BB.<province letter>`` with
  ``BB`` from 80 (99 communes a block), a pre-2025 province ``p``'s agencies ``0KK.00.9p.<letter>``
  (``KK`` the level-2 code of today's agency it became); their names say "(trước 01/7/2025)";
- the procedures are today's catalogue (the newest version in force of each), for the whole history:
  the catalogue starts on 1 July 2025; every granted dossier of a procedure that signs its result has
  its electronic result (the state machine requires one; there is no file behind it);
- the last weeks' dossiers are still open (most of the older ones waiting for the applicant's
  supplement, the others received, being processed, a withdrawal asked), as the history stops at the
  moment it is generated.

Never on a real installation: the dossiers have no applicants' accounts, files or officials. On
PostgreSQL, when the database user may (a superuser), the per-row foreign-key triggers are skipped in
the generating transaction (``session_replication_role = replica``, as ``pg_restore
--disable-triggers`` does): every reference written was read or written by the same transaction.

Synthetic dossiers are known by their reference ``SY-<run>-<number>``; dossier codes take their numbers
from the same per-agency-per-day counters receptions use, so a second run adds more dossiers and later
real receptions never clash with them. Summaries are *added* to what is there (an upsert per row), so
generating into a database that already has summaries keeps them exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import connection, transaction

from motcua.core.time import now
from motcua.operations.generate.history import History
from motcua.operations.generate.profile import REFERENCE_PREFIX
from motcua.operations.generate.sinks import PostgresSink, SqliteSink
from motcua.operations.generate.world import World


def history_present() -> bool:
    """Whether a synthetic history was loaded here (a dossier with a synthetic reference exists)."""
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


def history_generate(
    *, dossiers: int, years: int, seed: int, progress: Callable[[int], None] | None = None
) -> int:
    """Load ``dossiers`` synthetic dossiers received over the last ``years`` years of the province,
    with their events, facts and summaries, in one transaction. How many were made."""
    from motcua.core.errors import ValidationError

    if dossiers < 1 or years < 1:
        raise ValidationError(
            "Số hồ sơ và số năm phải lớn hơn 0.",
            "The number of dossiers and of years must be above 0.",
            code="generate_arguments",
        )
    moment = now()
    with transaction.atomic():
        world = World.build(moment=moment)
        run = _run_number()
        rng = random.Random(seed * 1009 + run)  # noqa: S311 — synthetic data, not secrets
        world.tune(rng)
        sink = PostgresSink() if connection.vendor == "postgresql" else SqliteSink()
        made = History(world, rng, run, sink, moment).make(dossiers, years, progress)
        sink.finish()
    return made


def _run_number() -> int:
    from motcua.dossiers.models import Dossier

    last = (
        Dossier.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.split("-")[1]) + 1 if last else 1
