"""The capacity-unit arithmetic (scorecard_local.capacity) against DynamoDB's published rules and
examples: CapacityUnitCalculations.html (item sizes), read-write-operations.html (units),
GSI.html#GSI.ThroughputConsiderations (index writes), transaction-apis.html (2x)."""

from __future__ import annotations

from typing import Any

import pytest
from scorecard_local.capacity import (
    IndexSchema,
    TableSchema,
    index_entry,
    item_size,
    read_units,
    write_units,
)

KB = 1024
NO_INDEX = TableSchema(key=("PK", "SK"))
GSI_ALL = TableSchema(key=("PK", "SK"), indexes=(IndexSchema("G", ("GPK", "GSK"), "ALL"),))
GSI_KEYS = TableSchema(key=("PK", "SK"), indexes=(IndexSchema("G", ("GPK", "GSK"), "KEYS_ONLY"),))


def sized(total: int, **extra: Any) -> dict[str, Any]:
    """An item of exactly `total` bytes: PK "p" (2+1), SK "s" (2+1), `extra` attributes, and the rest
    in attribute "d" (1 byte of name + its string)."""
    item: dict[str, Any] = {"PK": {"S": "p"}, "SK": {"S": "s"}, **extra}
    filler = total - item_size(item) - 1
    assert filler >= 0
    item["d"] = {"S": "x" * filler}
    assert item_size(item) == total
    return item


# -- item sizes ------------------------------------------------------------------------------------


def test_a_string_is_its_name_plus_its_utf8_bytes() -> None:
    # "name" 4 bytes + "é" 2 bytes in UTF-8 + "a" 1 byte
    assert item_size({"name": {"S": "éa"}}) == 4 + 3


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("123.45", 1 + (3 + 1)),  # name "n" 1; 5 significant digits: ceil(5/2) = 3 bytes, + 1
        ("1200", 1 + (1 + 1)),  # trailing zeros trimmed: "12", one byte, + 1
        ("0.0012", 1 + (1 + 1)),  # leading zeros trimmed: "12"
        ("7", 1 + (1 + 1)),
        ("12345678901234567890123456789012345678", 1 + (19 + 1)),  # 38 digits: 19 bytes + 1
    ],
)
def test_a_number_is_one_byte_per_two_significant_digits_plus_one(number: str, expected: int) -> None:
    assert item_size({"n": {"N": number}}) == expected


def test_binary_null_boolean_and_sets() -> None:
    assert item_size({"b": {"B": b"\x00\x01\x02"}}) == 1 + 3  # raw bytes, not base64
    assert item_size({"t": {"BOOL": True}, "z": {"NULL": True}}) == (1 + 1) + (1 + 1)
    assert item_size({"ss": {"SS": ["ab", "cde"]}}) == 2 + (2 + 3)  # the elements' bytes
    assert item_size({"ns": {"NS": ["10", "123"]}}) == 2 + (1 + 1) + (2 + 1)


def test_lists_and_maps_carry_three_bytes_plus_one_per_element() -> None:
    # "l" 1 + 3 overhead + ("ab": 1 + 2) + (1: 1 + 1 + 1)
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)
    # "m" 1 + 3 + (element 1 + name "k" 1 + "v" 1)
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size({"e": {"L": []}}) == 1 + 3  # empty: the name and the overhead


# -- writes ----------------------------------------------------------------------------------------


def test_a_3_5_kb_item_write_is_4_units() -> None:
    # 3,584 bytes / 1,024 = 3.5, rounded up to 4
    assert write_units(NO_INDEX, None, sized(3584)).total == 4


def test_a_500_byte_write_is_one_unit_and_every_write_at_least_one() -> None:
    assert write_units(NO_INDEX, None, sized(500)).total == 1
    assert write_units(NO_INDEX, None, None).total == 1  # delete of an absent item still bills 1


def test_an_update_is_billed_on_the_larger_of_before_and_after() -> None:
    small, large = sized(1536), sized(3584)  # 1.5 KB -> 2 units; 3.5 KB -> 4 units
    assert write_units(NO_INDEX, small, large).total == 4  # grows: the after image
    assert write_units(NO_INDEX, large, small).total == 4  # shrinks: the before image
    assert write_units(NO_INDEX, large, None).total == 4  # delete: the deleted item


def test_transactions_double_the_table_write() -> None:
    assert write_units(NO_INDEX, None, sized(500), transactional=True).total == 2  # 2 x 1
    assert write_units(NO_INDEX, None, sized(1536), transactional=True).total == 4  # 2 x ceil(1.5)


# -- index writes ----------------------------------------------------------------------------------


def test_a_new_item_in_an_all_index_is_written_again_at_its_full_size() -> None:
    item = sized(3584, GPK={"S": "g"}, GSK={"S": "1"})
    cost = write_units(GSI_ALL, None, item)
    assert (cost.table, dict(cost.indexes)) == (4, {"G": 4})  # 4 in the table + 4 in the index
    assert cost.total == 8


def test_a_keys_only_index_entry_is_the_keys_only() -> None:
    item = sized(3584, GPK={"S": "g"}, GSK={"S": "1"})
    # PK "p" 3 + SK "s" 3 + GPK "g" 4 + GSK "1" 4 = 14 bytes: one unit
    entry = index_entry(GSI_KEYS, GSI_KEYS.indexes[0], item)
    assert entry is not None and item_size(entry) == 14
    assert dict(write_units(GSI_KEYS, None, item).indexes) == {"G": 1}


def test_an_include_projection_keeps_the_named_attributes() -> None:
    include = TableSchema(("PK", "SK"), (IndexSchema("G", ("GPK",), "INCLUDE", frozenset({"score"})),))
    item = {"PK": {"S": "p"}, "SK": {"S": "s"}, "GPK": {"S": "g"}, "score": {"N": "5"}, "doc": {"S": "big"}}
    assert index_entry(include, include.indexes[0], item) == {
        k: item[k] for k in ("PK", "SK", "GPK", "score")
    }


def test_an_item_without_the_index_key_costs_the_index_nothing() -> None:
    # sparse: no GPK/GSK, no index entry
    assert dict(write_units(GSI_ALL, None, sized(3584)).indexes) == {}


def test_changing_an_index_key_is_a_delete_and_a_put_in_the_index() -> None:
    before = sized(1536, GPK={"S": "g"}, GSK={"S": "1"})
    after = {**before, "GSK": {"S": "2"}}
    # table: 1.5 KB -> 2; index: delete the old 1.5 KB entry (2) + put the new one (2)
    cost = write_units(GSI_ALL, before, after)
    assert (cost.table, dict(cost.indexes)) == (2, {"G": 2 + 2})


def test_changing_a_projected_attribute_updates_the_entry_in_place() -> None:
    before = sized(1536, GPK={"S": "g"}, GSK={"S": "1"})
    after = {**before, "d": {"S": before["d"]["S"] + "y" * 2048}}  # grows to 3.5 KB
    assert dict(write_units(GSI_ALL, before, after).indexes) == {"G": 4}  # larger entry: 3.5 KB -> 4


def test_changing_an_attribute_the_index_does_not_project_costs_it_nothing() -> None:
    before = sized(1536, GPK={"S": "g"}, GSK={"S": "1"})
    after = {**before, "d": {"S": "changed"}}
    assert dict(write_units(GSI_KEYS, before, after).indexes) == {}
    unchanged = write_units(GSI_ALL, before, before)  # an update that changes nothing
    assert (unchanged.table, dict(unchanged.indexes)) == (2, {})


def test_deleting_an_indexed_item_deletes_its_entry() -> None:
    item = sized(1536, GPK={"S": "g"}, GSK={"S": "1"})
    assert dict(write_units(GSI_ALL, item, None).indexes) == {"G": 2}


def test_index_writes_inside_a_transaction_are_not_doubled() -> None:
    item = sized(1536, GPK={"S": "g"}, GSK={"S": "1"})
    cost = write_units(GSI_ALL, None, item, transactional=True)
    assert (cost.table, dict(cost.indexes)) == (2 * 2, {"G": 2})


# -- reads -----------------------------------------------------------------------------------------


def test_a_500_byte_eventually_consistent_get_is_half_a_unit() -> None:
    assert read_units([500], consistent=False, per_item=True) == 0.5
    assert read_units([500], consistent=True, per_item=True) == 1


def test_a_get_rounds_the_item_up_to_4_kb() -> None:
    # 3.5 KB -> 4 KB: 1 unit; 10 KB -> 12 KB: 3 units (strongly consistent), 1.5 eventually
    assert read_units([3584], consistent=True, per_item=True) == 1
    assert read_units([10 * KB], consistent=True, per_item=True) == 3
    assert read_units([10 * KB], consistent=False, per_item=True) == 1.5
    assert read_units([8 * KB], consistent=False, per_item=True, transactional=True) == 4  # 2 x 2


def test_batch_get_rounds_each_item_on_its_own() -> None:
    # 1.5 KB -> 4 KB, 6.5 KB -> 8 KB: 12 KB = 3 units, not ceil(8 KB / 4 KB) = 2
    assert read_units([1536, 6656], consistent=True, per_item=True) == 3
    assert read_units([0], consistent=True, per_item=True) == 1  # a missing item still costs a unit


def test_a_query_rounds_the_total_not_each_item() -> None:
    # 10 items of 1.5 KB = 15 KB -> 16 KB = 4 units strongly consistent, 2 eventually
    # (per item it would be 10 x 4 KB = 10 units)
    assert read_units([1536] * 10, consistent=True, per_item=False) == 4
    assert read_units([1536] * 10, consistent=False, per_item=False) == 2
    assert read_units([], consistent=False, per_item=False) == 0.5  # nothing found: the minimum


def test_schema_from_a_cloudformation_definition() -> None:
    definition = {
        "KeySchema": [
            {"AttributeName": "SK", "KeyType": "RANGE"},
            {"AttributeName": "PK", "KeyType": "HASH"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "G",
                "KeySchema": [{"AttributeName": "GPK", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["score"]},
            }
        ],
    }
    assert TableSchema.from_definition(definition) == TableSchema(
        key=("PK", "SK"), indexes=(IndexSchema("G", ("GPK",), "INCLUDE", frozenset({"score"})),)
    )
