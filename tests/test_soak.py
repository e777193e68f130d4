"""A short mixed run under gunicorn: readers, signers, confirmers and a mail worker.

The benchmark's `--soak 120` is the long version of this test.
"""

from pathlib import Path

from bench.soak import soak
from tests.conftest import TEST_DATABASE_URI


def test_mixed_load_counts_exactly_and_mails_each_signer_once(tmp_path: Path):
    database_uri = TEST_DATABASE_URI or f"sqlite:///{tmp_path / 'soak.sqlite3'}"
    assert soak(database_uri, seconds=3) == []
