"""The stored score document (adapters.score_document): a round trip, the size that keeps the score
item to one write unit, and dictionaries that never change once documents name them."""

from __future__ import annotations

import hashlib
import zlib
from datetime import timedelta

import pytest
from builders import PARTNER, POLICY, completed_job, day
from fakes import FakePartnerRepository
from scorecard.adapters.score_document import (
    CURRENT_VERSION,
    DICTIONARIES,
    UnreadableDocument,
    compress_document,
    decompress_document,
)
from scorecard.services.daily import score_partners
from test_services import NOW

D = day(10, 31)


def realistic_document() -> bytes:
    """A partner with 18 jobs in its window (the bench's partners have 16-18): every 4th shipped
    two days late, every 7th with 1 of 10 inspected parts defective."""
    repository = FakePartnerRepository()
    for n in range(18):
        due = D - timedelta(days=n + 3)
        job = completed_job(
            f"JOB-{1000 + n}",
            shipped=due + timedelta(days=2 if n % 4 == 0 else -1),
            due=due,
            value=str(250 + 97 * n),
            parts=10,
            inspected=10,
            defective=1 if n % 7 == 0 else 0,
        )
        repository.add_job(PARTNER, job.job_id, job.events)
    score_partners(repository, repository, [PARTNER], D, POLICY, NOW)
    view = repository.views[PARTNER]
    assert len(view.ledger) == 18
    return view.model_dump_json().encode()


def test_a_document_comes_back_byte_for_byte() -> None:
    document = realistic_document()
    stored = compress_document(document)
    assert stored[0] == CURRENT_VERSION
    assert decompress_document(stored) == document


def test_the_vocabulary_halves_the_stored_document() -> None:
    """Measured on this document (2026-11-29): 5,404 bytes of JSON are 947 bytes with plain zlib
    (level 9) and 508 with the dictionary (0.54 of it). The score item adds about 330 bytes (keys,
    tier state, figures; tests/integration/test_daily.py measures a whole item), so the document must
    stay under about 690 bytes for the item to be one write unit (1,024 bytes)."""
    document = realistic_document()
    plain = len(zlib.compress(document, 9))
    stored = len(compress_document(document))
    assert stored < 0.6 * plain
    assert stored < 690


def test_the_dictionaries_never_change() -> None:
    """Stored documents name their dictionary by version: editing one would make them unreadable.
    A new vocabulary is a new version (and CURRENT_VERSION moves to it)."""
    assert {v: hashlib.sha256(d).hexdigest() for v, d in DICTIONARIES.items()} == {
        1: "35ac9bf264fdf1d354af0e3481fd68a544a6c74ecd1709a851dcad6777fe2fe4"
    }


@pytest.mark.parametrize(
    "stored",
    [
        b"",  # nothing
        bytes([99]) + b"x",  # a version this code does not have
        bytes([1]) + b"not zlib at all",
    ],
)
def test_an_unreadable_document_is_refused(stored: bytes) -> None:
    with pytest.raises(UnreadableDocument):
        decompress_document(stored)


def test_a_truncated_document_is_refused() -> None:
    stored = compress_document(realistic_document())
    with pytest.raises(UnreadableDocument):
        decompress_document(stored[:-10])
