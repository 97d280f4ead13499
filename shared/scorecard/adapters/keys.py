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
  PARTNER#<pid> / OPEN#<job_id>  keeps an outstanding job read once it has gone untouched long
                                 (domain.open_jobs): in GSI1 at "~~OPEN#<job_id>", after the profile,
                                 so every evidence read returns it; written and deleted by the daily run
  PARTNER#<pid> / ACTD#<YYYY-MM-DD>  a UTC day's presence: the quarter-hours ("00".."95") of the day
                                 with a login (`slots_login`) and with a capacity update
                                 (`slots_capacity`), string sets of at most 96 members each
  PARTNER#<pid> / ACTE#<YYYY-MM-DD>#<type>#<event_id>  each login or capacity update, its JSON: the
                                 count of a day's events of a type (never read by scoring)
  PARTNER#<pid> / ACT#<YYYY-MM>#M#<instant>#<event_id>  each metric event, its JSON
  PARTNER#<pid> / ACT#<YYYY-MM>  before the per-event activity layout: a month's activity events up
                                 to a byte budget, `overflow` once past it (read, no longer written)
  PARTNER#<pid> / <aggregate SK>#EV#<event_id>  overflow: one event of a full aggregate written before
                                 the per-event layouts (not in GSI1; read, no longer written)
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
  profile, and the OPEN# markers after it (the outstanding jobs read whatever their age). An evidence
  item's key is its event's instant raised to the lowest key its aggregate had when it was written
  (aggregate_items.evidence_index_key), so the aggregate's first item (#A) keeps the lowest key of
  all its items: a read that returns it returns the whole aggregate, and a read that does not (a job
  begun before the read's start) reads the aggregate's key range instead
  (evidence_repository.load_evidence). The score item is not in it (it was, as "~SCORE", until its
  daily rewrite cost a second write unit in the index): the daily run reads a batch's tier states
  with one BatchGetItem.
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

No item grows without bound (docs/api.md), and no event rewrites an item that grows with what came
before it (DynamoDB bills an update on the larger of the item before and after): a job or request event
is its own item, written once (issue 11), and so is an activity event (issue 20: a login updated its
month's item, 172 write units once the month was busy). Activity is kept for what scoring reads of it:
of a login or a capacity update, *that* there was one and when, to the quarter-hour (every week or day
boundary of a timezone in use since 2000 falls on one), so the day item's quarter-hour sets, at most
2 x 96 two-character members, answer it exactly for any timezone, and a daily read covers 4 weeks of
them in about 8 KB however many logins arrive; of a metric its value, so metric events are read one
item each. The per-event items of logins and capacity updates sort apart from what scoring reads
("ACTD#" < "ACTE#", and both after every "ACT#..."), so a partner with 100,000 logins in a month is
counted exactly and scored from 31 day items. Items written before the per-event layouts are still
read: a month item and its overflow items sort within ACT#<month>..ACT#<month>~, with the month's
metric items; job and request items as described above. Markers (EVENT#<id>) stay the full record
of every event.
BACKTEST#<bid> / BACKTEST       a backtest (docs/api.md): range, the candidate policy inline (so it cannot
                                 change), the version in force on each day, progress counters
BACKTEST#<bid> / RESULT#<batch>  one batch's result, written once (conditional put, in one
                                 transaction with the counters): per-day grade and tier histograms
                                 under both versions and the batch's partners that change on the
                                 last day; bounded by the batch size (50) and the range (92 days)
EXPORT#<eid> / EXPORT           an export (docs/api.md): the request and a fixed set of progress
                                 scalars (next page, its cursor, rows, status, reason); `expires_at`
                                 (TTL) deletes it 7 days on, as the bucket's lifecycle does its file

S3 (the snapshot bucket): snapshots/<YYYY-MM>/<pid>.json and .html, the latest revision; an earlier
revision n at snapshots/<YYYY-MM>/<pid>.r<n>.json and .html (docs/snapshots.md).
S3 (the export bucket): exports/<eid>/parts/<page>.csv while it runs, then exports/<eid>/<name>.csv.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
OPEN_JOB_PREFIX = "OPEN#"
OPEN_JOB_GSI1SK_PREFIX = "~~OPEN#"  # after "~PROFILE": outside the job pages' "< ~PROFILE" ranges
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


def open_job_sk(job_id: str) -> str:
    return OPEN_JOB_PREFIX + job_id


def open_job_gsi1sk(job_id: str) -> str:
    return OPEN_JOB_GSI1SK_PREFIX + job_id


def request_sk(request_id: str) -> str:
    return REQUEST_PREFIX + request_id


def activity_sk(month: str) -> str:
    """`month` is YYYY-MM (UTC): the partner's month of activity, which its metric items extend (and,
    before the per-event layout, its month item)."""
    return ACTIVITY_PREFIX + month


def metric_sk(instant: datetime, event_id: str) -> str:
    """A metric event's item, in its UTC month's range, in instant order."""
    return f"{activity_sk(f'{instant.astimezone(UTC):%Y-%m}')}#M#{instant_key(instant)}#{event_id}"


def activity_range(first_month: str, last_month: str) -> tuple[str, str]:
    """SK bounds (inclusive) of the metric items (and items of the layout before) of the UTC months
    `first_month`..`last_month` (YYYY-MM): "~" follows every "#..." of the last month."""
    return activity_sk(first_month), activity_sk(last_month) + "~"


PRESENCE_DAY_PREFIX = "ACTD#"
PRESENCE_EVENT_PREFIX = "ACTE#"
# What scoring reads of a login or a capacity update is that there was one in a quarter-hour: the day
# item's string set of each type holds those quarter-hours.
PRESENCE_SLOTS = {"partner.logged_in": "slots_login", "partner.capacity_updated": "slots_capacity"}
QUARTER_HOUR = timedelta(minutes=15)


def presence_day_sk(day: date) -> str:
    """A UTC day's presence item."""
    return PRESENCE_DAY_PREFIX + day.isoformat()


def presence_quarter(instant: datetime) -> tuple[date, str]:
    """The UTC day of `instant` and its quarter-hour of that day, "00".."95" (fixed width)."""
    utc = instant.astimezone(UTC)
    return utc.date(), f"{utc.hour * 4 + utc.minute // 15:02d}"


def quarter_start(day: date, quarter: str) -> datetime:
    """The instant a quarter-hour of a UTC day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + QUARTER_HOUR * int(quarter)


def presence_day_of(sk: str) -> date:
    return date.fromisoformat(sk.removeprefix(PRESENCE_DAY_PREFIX))


def presence_event_prefix(day: date, event_type: str) -> str:
    """Every per-event item of `event_type` on a UTC day begins with this (a day's count: a Query)."""
    return f"{PRESENCE_EVENT_PREFIX}{day.isoformat()}#{event_type}#"


def presence_event_sk(instant: datetime, event_type: str, event_id: str) -> str:
    return presence_event_prefix(instant.astimezone(UTC).date(), event_type) + event_id


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


# Exports (docs/api.md): EXPORT#<eid> / EXPORT, one item per export whatever its size (the rows are
# S3 objects); the export bucket's keys are here too.
EXPORT_PREFIX = "EXPORT#"
EXPORT_SK = "EXPORT"
EXPORT_OBJECT_PREFIX = "exports/"


def export_pk(export_id: str) -> str:
    return EXPORT_PREFIX + export_id


def export_part_key(export_id: str, page: int) -> str:
    """Page `page` of an export's rows (no header); fixed width, so the parts list in page order."""
    return f"{EXPORT_OBJECT_PREFIX}{export_id}/parts/{page:06d}.csv"


def export_file_key(export_id: str, filename: str) -> str:
    return f"{EXPORT_OBJECT_PREFIX}{export_id}/{filename}"
