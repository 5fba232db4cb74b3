"""Tests of the matching reference implementation against tests/vectors/teams/.

Run from the repository root:  python3 -m unittest discover -s tests/reference -v
"""

from __future__ import annotations

import json
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssj_match_reference as M  # noqa: E402

TEAMS = Path(__file__).resolve().parent.parent / "vectors" / "teams"
CASES = sorted(p for p in TEAMS.glob("*.json") if p.name != "keys-stream-1.json")


def load(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class TestMatchingVectors(unittest.TestCase):
    def test_cases_exist(self):
        self.assertGreaterEqual(len(CASES), 6)

    def test_every_vector(self):
        for path in CASES:
            case = load(path)
            with self.subTest(case=case["name"]):
                frozen = M.freeze(case["pool"])
                self.assertEqual(M.pool_digest(frozen), case["pool_digest"])
                if "error" in case:
                    with self.assertRaises(M.MatchError) as err:
                        M.match(case["pool"], case["request"])
                    self.assertEqual(str(err.exception), case["error"])
                    continue
                record = case["record"]
                # The record's own request (facts of visited targets only) gives the same teams.
                for request in (case["request"], record["request"]):
                    got = M.match(case["pool"], request)
                    self.assertEqual(got["pool"], record["pool"])
                    self.assertEqual(got["teams"], record["teams"])
                    self.assertEqual(got["workload"], record["workload"])
                self.assertEqual(record["format"], "shuangsuiji/team-record")
                self.assertEqual(record["algorithm"], {
                    "id": "ssj-team-workload-keys", "version": 1,
                    "prf": "chacha8-keystream/stream-1", "digest": "sm3"})

    def test_stream_one_keys(self):
        data = load(TEAMS / "keys-stream-1.json")
        self.assertEqual(data["stream"], M.ASSIGN_STREAM)
        for s in data["keys"]:
            seed = bytes.fromhex(s["seed"])
            for k in s["keys"]:
                self.assertEqual(f"{M.key(seed, k['position']):016x}", k["key"], k)


if __name__ == "__main__":
    unittest.main()
