"""The stored form of a score document: JSON compressed by zlib with a preset dictionary.

Why a dictionary: a score document is about 5 KB of JSON in which every field name and reason text
recurs in every document. Plain zlib spells each out once per document (about 960 bytes for a
partner with 18 jobs in its window); with the vocabulary as a preset dictionary even the first
occurrence is a back-reference (about 515 bytes), which keeps the score item under 1 KB: one write
unit a day instead of two (README, Performance).

The dictionary holds no data, only the document's vocabulary (field names in the order pydantic
writes them, the ledger's reason texts), so it compresses any partner's document alike. A stored
document names its dictionary in its first byte and a dictionary never changes once written
(tests/unit/test_score_document.py pins its hash): a new vocabulary is a new version, and older
documents stay readable.
"""

from __future__ import annotations

import zlib

_VOCABULARY_1 = (
    b'{"partner_id":"","as_of":"2026-","score":,"grade":"","tier":"","provisional":false,'
    b'"components":{"on_time":{"value":,"weight":0.45,"effective_weight":,"evidence":{"jobs":,'
    b'"on_time_jobs":}},"quality":{"value":,"weight":0.35,"effective_weight":,"evidence":{'
    b'"parts_inspected":,"parts_defective":}},"communication":{"value":,"weight":0.1,'
    b'"effective_weight":,"evidence":{"update_requests":,"answered_in_time":,"jobs":,'
    b'"jobs_with_status_update":,"jobs_requiring_documents":,"jobs_with_all_documents":}},'
    b'"engagement":{"value":,"weight":0.1,"effective_weight":,"evidence":{"offers":,"read":,'
    b'"answered":}}},"window":{"start":"2026-","end":"2026-","jobs":,"extended":false},'
    b'"computed_at":"2026-T","policy_version":"v2","ledger":[{"job_id":"","effect":-,'
    b'"completed":true,"on_time":false,"days_late":,"completed_at":"2026-T:00:00Z","due_date":"2026-",'
    b'"value":".00","parts_inspected":,"parts_defective":,"reasons":["overdue: not fully shipped, '
    b'days past its due date (counts as late)","cancelled by partner after acceptance (counts as '
    b'late)","delay reported in advance and the announced date kept: half credit","no status update '
    b'before shipping","missing documents: ","offer not read","offer not accepted or rejected"," of  '
    b'inspected parts defective","shipped  days late"]},{"job_id":"","effect":,"completed":false,'
    b'"on_time":null,"days_late":null,"completed_at":null,"due_date":null,"value":null,'
    b'"parts_inspected":0,"parts_defective":0,"reasons":[]},{"job_id":"","effect":0.,"completed":true,'
    b'"on_time":true,"days_late":0,"completed_at":"2026-T22:00:00Z","due_date":"2026-","value":"0.00",'
    b'"parts_inspected":,"parts_defective":0,"reasons":["shipped on time"]}],"next_grade":{"grade":"A",'
    b'"jobs_needed":,"message":" more on-time, defect-free jobs reach "},"tier_status":{"tier":'
    b'"preferred","since":"2026-","computed_tier":"standard","pending_demotion":null,"runs_below":0,'
    b'"demotion_warning":false},"benefits":[],"percentile":{"network":,"process":{"name":'
    b'"cnc_machining","percentile":},"distribution_as_of":"2026-"}}'
)

# Version byte -> preset dictionary. Append, never edit: stored documents name their version.
DICTIONARIES: dict[int, bytes] = {1: _VOCABULARY_1}
CURRENT_VERSION = 1


class UnreadableDocument(ValueError):
    """A stored document names a dictionary this code does not have (or is not zlib data)."""


def compress_document(document: bytes) -> bytes:
    """The stored form: the dictionary's version byte, then the zlib stream (its checksum kept, so a
    damaged document fails loudly rather than decoding to other JSON)."""
    compressor = zlib.compressobj(9, zdict=DICTIONARIES[CURRENT_VERSION])
    return bytes([CURRENT_VERSION]) + compressor.compress(document) + compressor.flush()


def decompress_document(stored: bytes) -> bytes:
    """The JSON of a document stored by compress_document."""
    dictionary = DICTIONARIES.get(stored[0]) if stored else None
    if dictionary is None:
        raise UnreadableDocument(f"unknown score document version {stored[:1]!r}")
    decompressor = zlib.decompressobj(zdict=dictionary)
    try:
        document = decompressor.decompress(stored[1:]) + decompressor.flush()
    except zlib.error as error:
        raise UnreadableDocument(str(error)) from error
    if not decompressor.eof:
        raise UnreadableDocument("truncated score document")
    return document
