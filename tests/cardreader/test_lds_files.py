from __future__ import annotations

import pytest

from cardreader.lds import files
from cardreader.lds.files import (
    CARD_ACCESS,
    COM,
    DG1,
    DG2,
    DG3,
    DG11,
    DG13,
    DG14,
    DG15,
    READ_ORDER,
    SOD,
    by_dg_number,
    by_dump_name,
    by_name,
    by_tag,
)


@pytest.mark.parametrize(
    ("f", "name", "fid", "sfi", "tag", "dump"),
    [
        (COM, "com", 0x011E, 0x1E, 0x60, "com.bin"),
        (SOD, "sod", 0x011D, 0x1D, 0x77, "sod.bin"),
        (DG1, "dg1", 0x0101, 0x01, 0x61, "dg1.bin"),
        (DG2, "dg2", 0x0102, 0x02, 0x75, "dg2.bin"),
        (DG3, "dg3", 0x0103, 0x03, 0x63, "dg3.bin"),
        (DG11, "dg11", 0x010B, 0x0B, 0x6B, "dg11.bin"),
        (DG13, "dg13", 0x010D, 0x0D, 0x6D, "dg13.bin"),
        (DG14, "dg14", 0x010E, 0x0E, 0x6E, "dg14.bin"),
        (DG15, "dg15", 0x010F, 0x0F, 0x6F, "dg15.bin"),
        (CARD_ACCESS, "cardaccess", 0x011C, 0x1C, None, "cardaccess.bin"),
    ],
)
def test_file_table(
    f: files.LdsFile, name: str, fid: int, sfi: int, tag: int | None, dump: str
) -> None:
    assert (f.name, f.fid, f.sfi, f.tag, f.dump_name) == (name, fid, sfi, tag, dump)
    assert by_name(name) is f
    assert by_dump_name(dump) is f
    if tag is not None:
        assert by_tag(tag) is f


def test_read_order() -> None:
    assert READ_ORDER == (COM, SOD, DG1, DG13, DG2, DG14, DG15)


def test_dg_numbers_and_tags() -> None:
    for n, f in [(1, DG1), (2, DG2), (3, DG3), (11, DG11), (13, DG13), (14, DG14), (15, DG15)]:
        assert by_dg_number(n) is f
        assert f.dg_number == n
        assert files.tag_for_dg_number(n) == f.tag
        assert files.dg_number_for_tag(files.tag_for_dg_number(n)) == n
    # Every data group 1..16 has a distinct EF.COM tag (DG2 = 75 and DG4 = 76 are the odd ones).
    tags = [files.tag_for_dg_number(n) for n in range(1, 17)]
    assert len(set(tags)) == 16
    assert files.tag_for_dg_number(4) == 0x76
    assert files.dg_number_for_tag(0x77) is None


def test_unknown_lookups() -> None:
    with pytest.raises(KeyError):
        by_name("dg99")
    with pytest.raises(KeyError):
        by_dg_number(4)
    with pytest.raises(KeyError):
        by_tag(0x99)
    with pytest.raises(ValueError):
        files.tag_for_dg_number(17)


def test_files_are_hashable_and_frozen() -> None:
    assert {DG1: 1}[by_name("DG1")] == 1
    with pytest.raises(AttributeError):
        DG1.fid = 2  # type: ignore[misc]
