"""The id rule of docs/SAMPLING.md §10, written from the text with the standard library only,
against the golden vectors in tests/vectors/ids.json.

Python's `unicodedata` may be an older Unicode version than the rule's (18.0.0), so the vectors
use characters whose answers agree across versions. It has no confusables table, so for the
pairs this checks what it can: both ids follow the rule, look-alike pairs are different text
with one skeleton, and the skeletons of the other pairs differ.

Run from the repository root:  python3 -m unittest discover -s tests/reference -v
"""

from __future__ import annotations

import json
import unicodedata
import unittest
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "ids.json"

MAX_ID_BYTES = 128

# Unicode White_Space (PropList.txt); unchanged since Unicode 6.3.
WHITE_SPACE = set(
    [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B)]
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)

HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Default-ignorable code points of other categories, as §10 lists them.
HIDDEN_RANGES = [
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
]


def hidden(c: str) -> bool:
    cp = ord(c)
    return unicodedata.category(c) in HIDDEN_CATEGORIES or any(a <= cp <= b for a, b in HIDDEN_RANGES)


def check_id(s: str) -> dict | None:
    """None for an id that follows the rule, else the first failure as the vectors write it."""
    if s == "":
        return {"reason": "empty"}
    n = len(s.encode("utf-8"))
    if n > MAX_ID_BYTES:
        return {"reason": "too_long", "bytes": n}
    if any(unicodedata.category(c) == "Cc" for c in s) or ord(s[0]) in WHITE_SPACE or ord(s[-1]) in WHITE_SPACE:
        return {"reason": "bad_character"}
    for i, c in enumerate(s):
        if hidden(c):
            return {"reason": "hidden_character", "position": i + 1, "code_point": f"U+{ord(c):04X}"}
    nfc = unicodedata.normalize("NFC", s)
    if nfc != s:
        return {"reason": "not_normalized", "nfc": nfc}
    return None


def load() -> dict:
    with open(VECTORS, encoding="utf-8") as f:
        return json.load(f)


class TestIdRule(unittest.TestCase):
    def test_accepted(self) -> None:
        cases = load()["accepted"]
        self.assertGreaterEqual(len(cases), 10)
        for case in cases:
            with self.subTest(id=case["id"]):
                self.assertIsNone(check_id(case["id"]))

    def test_refused_with_reason_and_place(self) -> None:
        cases = load()["refused"]
        self.assertGreaterEqual(len(cases), 20)
        for case in cases:
            with self.subTest(id=case["id"]):
                want = {k: v for k, v in case.items() if k != "id"}
                self.assertEqual(check_id(case["id"]), want)

    def test_pairs(self) -> None:
        v = load()
        for case in v["look_alike"]:
            with self.subTest(pair=(case["a"], case["b"])):
                self.assertIsNone(check_id(case["a"]))
                self.assertIsNone(check_id(case["b"]))
                self.assertNotEqual(case["a"], case["b"])
                # A skeleton is in NFD (TR39 ends with NFD).
                self.assertEqual(unicodedata.normalize("NFD", case["skeleton"]), case["skeleton"])
        for case in v["different"]:
            with self.subTest(pair=(case["a"], case["b"])):
                self.assertIsNone(check_id(case["a"]))
                self.assertIsNone(check_id(case["b"]))
                self.assertNotEqual(case["skeleton_a"], case["skeleton_b"])

    def test_ascii_ids_need_no_tables(self) -> None:
        # Printable ASCII without surrounding spaces is always in NFC and never hidden.
        printable = "".join(chr(c) for c in range(0x21, 0x7F))
        self.assertIsNone(check_id(printable))
        self.assertIsNone(check_id("a b"))


if __name__ == "__main__":
    unittest.main()
