"""What DynamoDB bills for a call, in write request units (WRU) and read request units (RRU), computed
from item sizes and index projections with DynamoDB's published rules.

Why computed: moto (5.2) answers ReturnConsumedCapacity with a constant (0.5 or 1.0 per call, whatever
the items), so `make bench` cannot measure consumed capacity by asking. It intercepts the calls
instead (`CapacityMeter`: botocore hooks on the client), reads the items before and after each write
and the full items behind each read, and applies the rules below. Nothing here ships in the Lambda
layer: scorecard_local is the local stack and tooling.

Item size (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
  the sum over attributes of (UTF-8 bytes of the name) + (size of the value): a string its UTF-8
  bytes; a number 1 byte per two significant digits + 1 (leading and trailing zeros trimmed); binary
  its raw bytes; null and Boolean 1 byte; a List or Map 3 bytes + its elements + 1 byte per element
  (a Map element's size includes its name); a set the sum of its elements. KB are 1,024 bytes.

Units (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
  * a write is 1 WRU per 1 KB of the item, rounded up, at least 1; PutItem, UpdateItem and
    DeleteItem are billed on the larger of the item before and after, and still billed when their
    condition fails (on the item as it stands, or the item offered); BatchWriteItem as each put or
    delete on its own;
  * a read is 1 RRU per 4 KB strongly consistent, half that eventually consistent; GetItem and
    BatchGetItem round each item up to 4 KB; Query and Scan add the sizes of all items read in the
    call (one page) and round the total up to 4 KB, at least one unit even when nothing matches;
    ProjectionExpression does not lower the bill (the whole item is read).
Global secondary indexes
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations):
  * a write that puts an item into an index, removes it, or changes a projected attribute costs one
    index write of the index entry's size (the table and index keys plus the projected attributes:
    the whole item for ALL, the keys for KEYS_ONLY, the keys plus NonKeyAttributes for INCLUDE); a
    write that changes an index key attribute costs two, a delete of the old entry and a put of the
    new one; a write that changes nothing the index projects costs the index nothing (sparse or not);
  * an in-place index update is billed on the larger of the old and new entry, as the table is;
  * index reads are eventually consistent and billed on the projected entries read.
Transactions (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling):
  DynamoDB performs two underlying writes (reads) of every item, so each item costs twice its
  standard units. Two details the page leaves open are taken from measurements against DynamoDB by
  the dynamodb-conformance suite and the dynoxide emulator
  (https://github.com/paritysuite/dynamodb-conformance/pull/67,
  https://github.com/nubo-db/dynoxide/pull/188): the 2x applies to the table item only (an index
  write inside a transaction costs what it costs outside one: the index is updated after the commit),
  and a ConditionCheck is a transactional write of the item it read; a cancelled transaction reports
  no consumed capacity.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Item = Mapping[str, Mapping[str, Any]]  # DynamoDB wire format: {"name": {"S": "value"}, ...}
Projection = Literal["ALL", "KEYS_ONLY", "INCLUDE"]

KB = 1024
WRITE_UNIT_BYTES = KB
READ_UNIT_BYTES = 4 * KB
LIST_OR_MAP_OVERHEAD = 3
ELEMENT_OVERHEAD = 1
SCALAR_BYTES = 1  # null, Boolean, and the "+1" of a number


def _number_size(text: str) -> int:
    digits = Decimal(text).as_tuple().digits
    significant = "".join(map(str, digits)).strip("0")
    return math.ceil(len(significant) / 2) + SCALAR_BYTES


def _binary_size(value: bytes | bytearray | str) -> int:
    # Params carry raw bytes; a base64 string only where someone hand-built the wire format.
    if isinstance(value, str):
        import base64

        return len(base64.b64decode(value))
    return len(value)


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one attribute value (without its name)."""
    (kind, inner), *_ = value.items()
    match kind:
        case "S":
            return len(str(inner).encode())
        case "N":
            return _number_size(str(inner))
        case "B":
            return _binary_size(inner)
        case "BOOL" | "NULL":
            return SCALAR_BYTES
        case "SS":
            return sum(len(str(s).encode()) for s in inner)
        case "NS":
            return sum(_number_size(str(n)) for n in inner)
        case "BS":
            return sum(_binary_size(b) for b in inner)
        case "L":
            return LIST_OR_MAP_OVERHEAD + sum(ELEMENT_OVERHEAD + value_size(v) for v in inner)
        case "M":
            return LIST_OR_MAP_OVERHEAD + sum(
                ELEMENT_OVERHEAD + len(name.encode()) + value_size(v) for name, v in inner.items()
            )
    raise ValueError(f"unknown attribute value type {kind!r}")


def item_size(item: Item | None) -> int:
    """Bytes DynamoDB bills for an item: names and values (0 for no item)."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


@dataclass(frozen=True, slots=True)
class IndexSchema:
    name: str
    key: tuple[str, ...]  # hash, then range if any
    projection: Projection = "ALL"
    include: frozenset[str] = frozenset()  # NonKeyAttributes of an INCLUDE projection


@dataclass(frozen=True, slots=True)
class TableSchema:
    key: tuple[str, ...]
    indexes: tuple[IndexSchema, ...] = ()

    @classmethod
    def from_definition(cls, definition: Mapping[str, Any]) -> TableSchema:
        """From a table's CloudFormation Properties or a describe_table()["Table"]: both name the
        key schema and the indexes' projections the same way."""

        def key(schema: Sequence[Mapping[str, str]]) -> tuple[str, ...]:
            ordered = sorted(schema, key=lambda part: part["KeyType"] != "HASH")
            return tuple(part["AttributeName"] for part in ordered)

        indexes = tuple(
            IndexSchema(
                name=index["IndexName"],
                key=key(index["KeySchema"]),
                projection=index["Projection"]["ProjectionType"],
                include=frozenset(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in (
                *definition.get("GlobalSecondaryIndexes", ()),
                *definition.get("LocalSecondaryIndexes", ()),
            )
        )
        return cls(key=key(definition["KeySchema"]), indexes=indexes)

    def index(self, name: str) -> IndexSchema:
        return next(index for index in self.indexes if index.name == name)

    def key_of(self, item: Item) -> dict[str, Any]:
        return {name: item[name] for name in self.key}


def index_entry(table: TableSchema, index: IndexSchema, item: Item | None) -> dict[str, Any] | None:
    """The item's entry in `index` (None when the item lacks an index key attribute: sparse)."""
    if not item or any(name not in item for name in index.key):
        return None
    if index.projection == "ALL":
        return dict(item)
    kept = {*table.key, *index.key, *(index.include if index.projection == "INCLUDE" else ())}
    return {name: value for name, value in item.items() if name in kept}


def _write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


@dataclass(frozen=True, slots=True)
class WriteUnits:
    table: float
    indexes: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.table + sum(self.indexes.values())


def write_units(
    table: TableSchema, before: Item | None, after: Item | None, *, transactional: bool = False
) -> WriteUnits:
    """WRU of one item write: `before` and `after` are the whole item (None: absent). A delete has
    after=None; a ConditionCheck, or an update that changes nothing, has before == after (the table
    write is still billed, the indexes are not)."""
    table_units = _write_units(max(item_size(before), item_size(after))) * (2 if transactional else 1)
    indexes: dict[str, float] = {}
    for index in table.indexes:
        old, new = index_entry(table, index, before), index_entry(table, index, after)
        if old == new:
            continue  # nothing the index holds changed (or the item is in neither image)
        if old is None or new is None:  # enters or leaves the index
            units = _write_units(item_size(old or new))
        elif any(old[name] != new[name] for name in index.key):  # moves: delete + put
            units = _write_units(item_size(old)) + _write_units(item_size(new))
        else:  # projected attributes changed in place
            units = _write_units(max(item_size(old), item_size(new)))
        indexes[index.name] = units
    return WriteUnits(table_units, indexes)


def read_units(
    sizes: Iterable[int], *, consistent: bool, per_item: bool, transactional: bool = False
) -> float:
    """RRU of one read call over items of `sizes` bytes: per item rounded up to 4 KB (GetItem,
    BatchGetItem, TransactGetItems; a missing item is size 0 and still one unit), or all together
    (Query, Scan: one page). Eventually consistent reads cost half; transactional twice."""
    sizes = list(sizes)
    if per_item:
        blocks = sum(max(1, math.ceil(size / READ_UNIT_BYTES)) for size in sizes)
    else:
        blocks = max(1, math.ceil(sum(sizes) / READ_UNIT_BYTES))
    rate = 2.0 if transactional else 1.0 if consistent else 0.5
    return blocks * rate


# ---------------------------------------------------------------------------------------- meter


def item_kind(key: Mapping[str, Mapping[str, Any]]) -> str:
    """A label for what an item is, from its key: the first part of SK under a partner
    (JOB, SCORE, HIST, PROFILE, ...), else the first part of PK (EVENT, DIST, REVIEW, ...)."""
    pk = str(key.get("PK", {}).get("S", ""))
    sk = str(key.get("SK", {}).get("S", ""))
    if pk.startswith("PARTNER#"):
        return sk.split("#", 1)[0]
    return pk.split("#", 1)[0]


_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


@dataclass
class _Pending:
    operation: str
    params: dict[str, Any]
    writes: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]]  # table, key, before, check


class CapacityMeter:
    """Bills every DynamoDB call of `client` (a boto3 client, e.g. scorecard.adapters.aws.client) with
    write_units/read_units: before a write it reads the items the write touches, after it the same
    items again; after a read it re-reads what the call read, whole (a GetItem of each key; the same
    Query page without its ProjectionExpression), since that is what DynamoDB bills. Those reads go
    through a second client without the hooks, so they bill nothing. A test and bench tool: every
    write costs two extra reads, so meter runs are not timed.

    Totals in `wru` / `rru`; `units` splits them by label: "<kind>" for table items,
    "<kind> @<index>" for index entries, "<operation> <index or table>" for reads; `read_bytes` has the
    bytes read per item kind. `failed` counts calls that returned an error (billed nothing, but for a
    single-item write whose condition failed: a cancelled transaction reports no consumed capacity),
    `filtered` calls with a FilterExpression (billed on the items returned only: an undercount, so the
    bench asserts there are none)."""

    def __init__(
        self,
        client: Any,
        schemas: Mapping[str, TableSchema],
        kind: Callable[[Mapping[str, Mapping[str, Any]]], str] = item_kind,
    ) -> None:
        import boto3

        self._client = client
        self._schemas = schemas
        self._kind = kind
        self._peek = boto3.session.Session().client("dynamodb", region_name=client.meta.region_name)
        self.wru = 0.0
        self.rru = 0.0
        self.units: defaultdict[str, float] = defaultdict(float)
        self.read_bytes: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.failed = 0
        self.filtered = 0
        events = client.meta.events
        events.register("before-parameter-build.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def close(self) -> None:
        events = self._client.meta.events
        events.unregister("before-parameter-build.dynamodb", self._before)
        events.unregister("after-call.dynamodb", self._after)

    def __enter__(self) -> CapacityMeter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def reset(self) -> None:
        self.wru = self.rru = 0.0
        self.units.clear()
        self.read_bytes.clear()
        self.calls.clear()
        self.failed = self.filtered = 0

    # -- hooks ---------------------------------------------------------------------------------

    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        writes = []
        if model.name in _WRITES:
            for table, key, check in self._write_targets(model.name, params):
                writes.append((table, key, self._get(table, key), check))
        context["capacity_meter"] = _Pending(model.name, params, writes)

    def _after(
        self, http_response: Any, parsed: Mapping[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        pending: _Pending | None = context.pop("capacity_meter", None)
        if pending is None:
            return
        self.calls[pending.operation] += 1
        if http_response.status_code >= 300:
            self.failed += 1
            if parsed.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                # A failed condition is still a write of the item as it stands (and, for a put, of the
                # item offered), billed to the table only: nothing changed for the indexes.
                table, key, before, _check = pending.writes[0]
                offered = pending.params.get("Item") if pending.operation == "PutItem" else None
                cost = write_units(self._schemas[table], before or offered, offered or before)
                self.wru += cost.table
                self.units[self._kind(key)] += cost.table
            return
        if pending.operation in _WRITES:
            transactional = pending.operation == "TransactWriteItems"
            for table, key, before, check in pending.writes:
                after = before if check else self._get(table, key)
                self._bill_write(table, key, before, after, transactional)
        else:
            self._bill_read(pending.operation, pending.params, parsed)

    # -- writes --------------------------------------------------------------------------------

    def _write_targets(
        self, operation: str, params: Mapping[str, Any]
    ) -> list[tuple[str, dict[str, Any], bool]]:
        def key(table: str, action: Mapping[str, Any]) -> dict[str, Any]:
            return dict(action["Key"]) if "Key" in action else self._schemas[table].key_of(action["Item"])

        match operation:
            case "PutItem" | "UpdateItem" | "DeleteItem":
                return [(params["TableName"], key(params["TableName"], params), False)]
            case "BatchWriteItem":
                return [
                    (table, key(table, request.get("PutRequest") or request["DeleteRequest"]), False)
                    for table, requests in params["RequestItems"].items()
                    for request in requests
                ]
            case "TransactWriteItems":
                targets = []
                for entry in params["TransactItems"]:
                    (action_name, action), *_ = entry.items()
                    table = action["TableName"]
                    targets.append((table, key(table, action), action_name == "ConditionCheck"))
                return targets
        raise AssertionError(operation)

    def _bill_write(
        self, table: str, key: Item, before: Item | None, after: Item | None, transactional: bool
    ) -> None:
        cost = write_units(self._schemas[table], before, after, transactional=transactional)
        kind = self._kind(key)
        self.wru += cost.total
        self.units[kind] += cost.table
        for index, units in cost.indexes.items():
            self.units[f"{kind} @{index}"] += units

    # -- reads ---------------------------------------------------------------------------------

    def _bill_read(self, operation: str, params: Mapping[str, Any], parsed: Mapping[str, Any]) -> None:
        if operation == "GetItem":
            item = self._get(params["TableName"], params["Key"])
            self._read_items(
                f"GetItem {params['TableName']}",
                [item],
                consistent=bool(params.get("ConsistentRead")),
                per_item=True,
            )
        elif operation == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                items = [self._get(table, key) for key in request["Keys"]]
                self._read_items(
                    f"BatchGetItem {table}",
                    items,
                    consistent=bool(request.get("ConsistentRead")),
                    per_item=True,
                )
        elif operation in ("Query", "Scan"):
            if params.get("FilterExpression"):
                self.filtered += 1
            index = params.get("IndexName")
            page = self._whole_page(operation, params)
            consistent = bool(params.get("ConsistentRead")) and index is None  # GSIs: eventual only
            self._read_items(f"{operation} {index or params['TableName']}", page, consistent, per_item=False)

    def _read_items(self, label: str, items: Sequence[Item | None], consistent: bool, per_item: bool) -> None:
        sizes = [item_size(item) for item in items]
        units = read_units(sizes, consistent=consistent, per_item=per_item)
        self.rru += units
        self.units[label] += units
        for item, size in zip(items, sizes, strict=True):
            if item:
                self.read_bytes[self._kind(item)] += size

    def _whole_page(self, operation: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The same page, every projected attribute: a Query/Scan without its ProjectionExpression
        (and without the names and values only that expression used)."""
        request = {k: v for k, v in params.items() if k not in ("ProjectionExpression", "Select")}
        used = " ".join(str(request.get(name, "")) for name in ("KeyConditionExpression", "FilterExpression"))
        placeholders = set(_PLACEHOLDER.findall(used))
        for attribute in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
            if attribute in request:
                kept = {k: v for k, v in request[attribute].items() if k in placeholders}
                if kept:
                    request[attribute] = kept
                else:
                    del request[attribute]
        page = self._peek.query(**request) if operation == "Query" else self._peek.scan(**request)
        return list(page.get("Items", []))

    def _get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self._peek.get_item(TableName=table, Key=dict(key), ConsistentRead=True).get("Item")
        return None if item is None else dict(item)


def schemas_from_template(template: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, TableSchema]:
    """Table name -> schema, for the template's tables (`names`: logical id -> the table's name)."""
    resources = template["Resources"]
    return {
        name: TableSchema.from_definition(resources[logical]["Properties"]) for logical, name in names.items()
    }
