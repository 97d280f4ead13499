"""The single-table key layout. Every key the adapters write or read is built here.

Base table (PK, SK):
  PARTNER#<pid> / PROFILE        profile: name, email, timezone (registry entry)
  PARTNER#<pid> / SCORE          current score document (`doc_zd`, adapters.score_document) and tier
                                 state; in GSI3 (with a score), in neither GSI1 nor GSI2
  PARTNER#<pid> / HIST#<date>    daily score history point
  PARTNER#<pid> / JOB#<job_id>#A  the job's first recorded event (`ev`: a string set of its JSON), in
                                 GSI1 at its instant
  PARTNER#<pid> / JOB#<job_id>#E#<index key>#<event_id>  each later event of the job, in GSI1 at its
                                 index key: its instant, raised to the job's lowest key if older
  PARTNER#<pid> / JOB#<job_id>   the job's own item: only a review's exclusion (`excluded`), in GSI1
                                 at the job's lowest key; before the per-event layout, the job's events
                                 up to a byte budget (`ev_bytes`), `overflow` once past it
  PARTNER#<pid> / REQ#<req_id>[#A | #E#...]  update requests: evidence items as jobs
  PARTNER#<pid> / ACT#<YYYY-MM>  activity events (logins, capacity) of a month (bounded the same way;
                                 logins and capacity updates one per quarter-hour, `slots_*`) and
                                 per-day counters `n#<type>#<DD>` (UTC day of the month)
  PARTNER#<pid> / <aggregate SK>#EV#<event_id>  overflow: one event of a full aggregate (not in GSI1)
  PARTNER#<pid> / SNAP#<YYYY-MM> monthly snapshot record, its latest revision: metrics JSON (at most
                                 100 entries per job list), S3 keys, score and grade, revision
  PARTNER#<pid> / SNAPREV#<YYYY-MM>#<nnn>  an earlier revision, copied there when it was restated
  PARTNER#<pid> / MAIL#<kind>#<ref>  once-only email claim (kind "snapshot" + month, "received" + job,
                                 "review" + review id)
  EVENT#<event_id> / EVENT       idempotency marker and audit copy of the event
  PARTNER#<pid> / REVIEW#<rid>   a score review request and its resolution
  REVIEW#<rid> / REVIEW          pointer from a review id to its partner
GSI1 (GSI1PK = PARTNER#<pid>, GSI1SK): a partner's evidence, in one query. Evidence items carry their
  index key (an instant: UTC, fixed width, so strings sort as instants); PROFILE carries "~PROFILE",
  which sorts after every timestamp, so `GSI1SK >= <instant>` returns the evidence since then plus the
  profile. An evidence item's key is its event's instant raised to the lowest key its aggregate had
  when it was written (aggregate_items.evidence_index_key), so the aggregate's first item (#A) keeps
  the lowest key of all its items: a read that returns it returns the whole aggregate, and a read that
  does not (a job begun before the read's start) reads the aggregate's key range instead
  (partner_repository.load_evidence). The score item is not in it (it was, as "~SCORE", until its daily
  rewrite cost a second write unit in the index): the daily run reads a batch's tier states with
  one BatchGetItem.
GSI2 (GSI2PK = PARTNERS, GSI2SK = <pid>): the partner registry, paged in id order.
GSI2 (GSI2PK = REVIEWS#open | REVIEWS#resolved, GSI2SK = <requested_at UTC>#<rid>): the review queue
  across partners, oldest request first. Only review items carry these attributes (a sparse use of
  the same index); a resolution moves its review from the open to the resolved partition.
GSI3 (GSI3PK = SCORES, GSI3SK = <score in tenths, 4 digits>#<pid>): scored partners in score order,
  for GET /partners?sort=score|-score. Only a current-score item with a score carries it (a sparse
  index: a partner without a score is not in it, and a put of a score without one drops the partner
  from it). "0923#acme-01" is 92.3: fixed width, so lexical order is score order, and equal scores
  sort by id ("#" is below every id character). The projection is INCLUDE of what the filters read
  (score, grade, tier, provisional): never the score document, nor anything that changes every day
  (the listing reads as_of from the score items), so a daily run that keeps a partner's figures
  writes nothing to this index. Partners without a score are listed after the scored ones from the
  registry (GSI2), in id order. One partition: DynamoDB takes up to 1,000 writes/s in it; the daily
  run at MaximumConcurrency 20 writes about 630/s to it (README, Performance). Past ~31 workers the
  partition key needs sharding (SCORES#0..n, merged by the listing).

No item grows without bound (docs/api.md). A job or request event is its own item, written once (issue
11: a growing job item cost more write units with every event, and an update is billed on the larger
of the item before and after). A month's activity item keeps its events on itself while they fit a
byte budget (event_store.EVENT_BYTES_BUDGET, 64 KB: the condition `ev_bytes < budget` is checked
before each append, so an item ends at most one event past it); every later event of that month is
its own overflow item `<aggregate SK>#EV#<event_id>`, and the month item is flagged `overflow`. Job
and request items written before the per-event layout were bounded the same way and are still read
(with their overflow items). Overflow items sort right after their aggregate ("#" is below every
character of the id charsets), so a range query over ACT#<first month>..ACT#<last month> also
returns the activity's overflow items, and all of a job's items are the range
[JOB#<jid>, JOB#<jid>#EV$). Activity keeps event JSON rather than counters only: policy v2's
declared signals read real events (instants in the policy timezone, metric values); but of logins
and capacity updates it keeps one per UTC quarter-hour (see PRESENCE_SLOTS), so a month's activity
is bounded whatever arrives; the per-day counters count every event. Markers (EVENT#<id>) stay the
full record of every event.
BACKTEST#<bid> / BACKTEST       a backtest (docs/api.md): range, the candidate policy inline (so it cannot
                                 change), the version in force on each day, progress counters
BACKTEST#<bid> / RESULT#<batch>  one batch's result, written once (conditional put, in one
                                 transaction with the counters): per-day grade and tier histograms
                                 under both versions and the batch's partners that change on the
                                 last day; bounded by the batch size (50) and the range (92 days)

S3 (the snapshot bucket): snapshots/<YYYY-MM>/<pid>.json and .html, the latest revision; an earlier
revision n at snapshots/<YYYY-MM>/<pid>.r<n>.json and .html (docs/snapshots.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from scorecard.domain.standing import score_bucket

PARTNER_PREFIX = "PARTNER#"
PROFILE_SK = "PROFILE"
SCORE_SK = "SCORE"
HISTORY_PREFIX = "HIST#"
JOB_PREFIX = "JOB#"
REQUEST_PREFIX = "REQ#"
ACTIVITY_PREFIX = "ACT#"
SNAPSHOT_PREFIX = "SNAP#"
SNAPSHOT_REVISION_PREFIX = "SNAPREV#"  # sorts after every SNAP# key ("#" < "R"): never in their ranges
MAIL_PREFIX = "MAIL#"
MAIL_KIND_SNAPSHOT = "snapshot"  # ref: YYYY-MM
MAIL_KIND_RESTATED = "restated"  # ref: YYYY-MM#<revision>
MAIL_KIND_RECEIVED = "received"  # ref: job id
MAIL_KIND_DEMOTION = "demotion"  # ref: the day the lower tier was first computed
MAIL_KIND_REVIEW = "review"  # ref: review id (the resolution email)
EVENT_PREFIX = "EVENT#"
EVENT_SK = "EVENT"
REGISTRY_PK = "PARTNERS"
PROFILE_GSI1SK = "~PROFILE"
SCORE_DOCUMENT = "doc_zd"  # the score item's document, compressed (adapters.score_document), in no index
GSI1 = "GSI1"
GSI2 = "GSI2"
GSI3 = "GSI3"
SCORE_ORDER_PK = "SCORES"
SCORE_ORDER_WIDTH = 4  # tenths of 0.0..100.0: "0000".."1000"


def partner_pk(partner_id: str) -> str:
    return PARTNER_PREFIX + partner_id


def job_sk(job_id: str) -> str:
    return JOB_PREFIX + job_id


def request_sk(request_id: str) -> str:
    return REQUEST_PREFIX + request_id


def activity_sk(month: str) -> str:
    """`month` is YYYY-MM (UTC): the partner's activity of that month."""
    return ACTIVITY_PREFIX + month


def activity_count_attribute(event_type: str, instant: datetime) -> str:
    """The activity item's counter of `event_type` events on the UTC day of `instant`."""
    return f"n#{event_type}#{instant.astimezone(UTC).strftime('%d')}"


# Presence-only activity (what scoring reads of a login or a capacity update is *that* there was one,
# and when): of each such type, the month item keeps the first event of every UTC quarter-hour (a
# string set of slots "DDHHMM" says which are taken); later ones in a taken slot are only counted.
# Every week or day boundary of a timezone in use since 2000 falls on a quarter-hour, so "was there a
# login in [start, end)" is answered exactly, and a month holds at most 2,976 such events per type
# however many arrive (100,000 logins a month: at most 2,976 stored, all counted, all markers kept).
PRESENCE_SLOTS = {"partner.logged_in": "slots_login", "partner.capacity_updated": "slots_capacity"}


def presence_slot(event_type: str, instant: datetime) -> tuple[str, str] | None:
    """(the slot-set attribute, the UTC quarter-hour "DDHHMM") of a presence-only event, else None."""
    attribute = PRESENCE_SLOTS.get(event_type)
    if attribute is None:
        return None
    utc = instant.astimezone(UTC)
    return attribute, f"{utc:%d%H}{utc.minute // 15 * 15:02d}"


# Evidence items (job and request events; see the module docstring): <aggregate SK>#A is the
# aggregate's first recorded event (one per aggregate: it is put on the condition that it does not
# exist), <aggregate SK>#E#<index key>#<event_id> each later one. "#A" < "#E#" < "#E$" < "#EV#", so
# the aggregate's own item (SK = <aggregate SK>), its first evidence item and the rest (in index-key
# order) are the range evidence_range, and the overflow items of aggregates written before the
# per-event layout lie after it.
FIRST_EVIDENCE_SUFFIX = "#A"
EVIDENCE_INFIX = "#E#"
_EVIDENCE_END = "#E$"


def first_evidence_sk(aggregate_sk: str) -> str:
    return aggregate_sk + FIRST_EVIDENCE_SUFFIX


def evidence_sk(aggregate_sk: str, index_key: str, event_id: str) -> str:
    return f"{aggregate_sk}{EVIDENCE_INFIX}{index_key}#{event_id}"


def evidence_range(aggregate_sk: str) -> tuple[str, str]:
    """SK bounds (inclusive) of an aggregate's own item and its evidence items: its own item, then its
    first evidence item, then the others, lowest index key first."""
    return aggregate_sk, aggregate_sk + _EVIDENCE_END


def aggregate_sk_of(sk: str) -> str:
    """The aggregate an item belongs to: "JOB#j1" of "JOB#j1", "JOB#j1#A", "JOB#j1#E#<key>#<eid>"
    and "JOB#j1#EV#<eid>" alike (ids never contain "#")."""
    kind, _, rest = sk.partition("#")
    return f"{kind}#{rest.partition('#')[0]}"


def is_first_evidence(sk: str) -> bool:
    return sk[len(aggregate_sk_of(sk)) :] == FIRST_EVIDENCE_SUFFIX


def is_later_evidence(sk: str) -> bool:
    return sk[len(aggregate_sk_of(sk)) :].startswith(EVIDENCE_INFIX)


def is_evidence(sk: str) -> bool:
    return is_first_evidence(sk) or is_later_evidence(sk)


def event_id_of_later_evidence(sk: str) -> str:
    return sk.rpartition("#")[2]


OVERFLOW_INFIX = "#EV#"


def overflow_prefix(aggregate_sk: str) -> str:
    """Every overflow item of an aggregate begins with this."""
    return aggregate_sk + OVERFLOW_INFIX


def overflow_sk(aggregate_sk: str, event_id: str) -> str:
    return overflow_prefix(aggregate_sk) + event_id


def aggregate_range(aggregate_sk: str) -> tuple[str, str]:
    """SK bounds (inclusive) of an aggregate item and its overflow items: "#EV$" follows every
    "#EV#<event_id>", and no other aggregate's key lies between (ids never contain "#")."""
    return aggregate_sk, aggregate_sk + "#EV$"


def snapshot_sk(month: str) -> str:
    """`month` is YYYY-MM: fixed width, so snapshot items sort (and range-query) in month order."""
    return SNAPSHOT_PREFIX + month


def snapshot_revision_sk(month: str, revision: int) -> str:
    return f"{SNAPSHOT_REVISION_PREFIX}{month}#{revision:03d}"


def snapshot_object_key(month: str, partner_id: str, extension: str, revision: int | None = None) -> str:
    """S3 key of an archived snapshot (docs/snapshots.md contract): snapshots/<YYYY-MM>/<pid>.<json|html>
    for the latest revision, <pid>.r<n>.<json|html> for an earlier one."""
    suffix = "" if revision is None else f".r{revision}"
    return f"snapshots/{month}/{partner_id}{suffix}.{extension}"


def mail_claim_prefix(kind: str) -> str:
    return f"{MAIL_PREFIX}{kind}#"


def mail_claim_sk(kind: str, ref: str) -> str:
    return mail_claim_prefix(kind) + ref


def history_sk(day: date) -> str:
    return HISTORY_PREFIX + day.isoformat()


def event_pk(event_id: str) -> str:
    return EVENT_PREFIX + event_id


def instant_key(instant: datetime) -> str:
    """UTC, microseconds, fixed width: lexical order equals time order."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def score_order_prefix(score: Decimal | float) -> str:
    """The score part of GSI3SK: tenths, zero-padded to a fixed width (92.3 -> "0923"), bucketed as
    the peer-standing histogram buckets it (domain.standing.score_bucket), so both agree on ties."""
    tenths = score_bucket(score)
    if not 0 <= tenths < 10**SCORE_ORDER_WIDTH:
        raise ValueError(f"score {score} is outside 0..100")
    return f"{tenths:0{SCORE_ORDER_WIDTH}d}#"


def score_gsi3sk(partner_id: str, score: Decimal | float | None) -> str | None:
    """GSI3SK of a partner's current score, or None: a partner without a score is not in GSI3."""
    return None if score is None else score_order_prefix(score) + partner_id


# Reviews: PARTNER#<pid> / REVIEW#<review_id> holds the review; REVIEW#<review_id> / REVIEW points
# to its partner, so a resolution (which names only the review) finds it with one read.
REVIEW_PREFIX = "REVIEW#"
REVIEW_SK = "REVIEW"


def review_sk(review_id: str) -> str:
    return REVIEW_PREFIX + review_id


def review_pointer_pk(review_id: str) -> str:
    return REVIEW_PREFIX + review_id


REVIEW_QUEUE_PREFIX = "REVIEWS#"


def review_queue_pk(queue: str) -> str:
    """`queue` is "open" (open or in_review) or "resolved"."""
    return REVIEW_QUEUE_PREFIX + queue


def review_queue_sk(requested_at: datetime, review_id: str) -> str:
    return f"{instant_key(requested_at)}#{review_id}"


# Policy versions (docs/api.md): POLICY#VERSIONS / <version> holds a stored version (the policy JSON,
# who added it, when, why); POLICY#ADOPTIONS / <effective_from>#<recorded_at> one adoption each, never
# overwritten (the history). The version in force on a day is the adoption with the greatest
# effective_from on or before it (the latest recorded among equals): one Query, newest first, Limit 1.
POLICY_VERSIONS_PK = "POLICY#VERSIONS"
POLICY_ADOPTIONS_PK = "POLICY#ADOPTIONS"


def policy_adoption_sk(effective_from: date, recorded_at: datetime) -> str:
    return f"{effective_from.isoformat()}#{instant_key(recorded_at)}"


def policy_adoptions_until(day: date) -> str:
    """The SK upper bound of the adoptions effective on or before `day` ("~" follows "#")."""
    return day.isoformat() + "~"


# Backtests (docs/api.md): BACKTEST#<bid> / BACKTEST is the request and its progress; its batches'
# results are BACKTEST#<bid> / RESULT#<batch key>, read back with one Query (begins_with RESULT#).
BACKTEST_PREFIX = "BACKTEST#"
BACKTEST_SK = "BACKTEST"
BACKTEST_RESULT_PREFIX = "RESULT#"


def backtest_pk(backtest_id: str) -> str:
    return BACKTEST_PREFIX + backtest_id


def backtest_result_sk(batch_key: str) -> str:
    return BACKTEST_RESULT_PREFIX + batch_key
