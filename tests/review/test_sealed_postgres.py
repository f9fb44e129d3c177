"""Issue 13 against whoever holds the database: the PostgreSQL superuser with ``pageinspect`` and the WAL.

After a round closes, the pages of every table and index that held ballot data before the close, and every WAL
record of this database written since the round opened (read with ``pg_waldump`` and the raw segment files), hold no
plaintext choice — except the anonymous final ballots the close writes, all in one transaction. The database holds
neither the round's private key nor any share, so with every byte of it and no shares no ballot opens.

Runs in CI (``.ci/run`` is root on the machine with the local cluster, so the data directory is readable).
"""

import base64
import contextlib
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from review import sealing, services
from review.models import Ballot, RoundKeyHolder, StagedBallot
from review.rules import Choice
from tests.review.factories import SHARES, close_round, draft_round, take_shares
from tests.support.dbroles import superuser_cursor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How a choice could appear in plain text: the stored values, the labels in both languages, and the envelope's own
# plaintext format (which only ever exists inside a sealed box).
MARKERS = [
    *(c.encode() for c in Choice.values),
    "赞成".encode(),
    "弃权".encode(),
    sealing.PREFIX,
]
# In the WAL, a choice written as a column value: PostgreSQL's short varlena header (one byte,
# ``(length + 1) << 1 | 1``) followed by the text. (The bare words also occur, legitimately, as the key names of the
# result record's counts.)
COLUMN_VALUES = [
    *(bytes([((len(c) + 1) << 1) | 1]) + c.encode() for c in Choice.values),
    "赞成".encode(),
    "弃权".encode(),
    sealing.PREFIX,
]
# Tables that held ballot data before the close (sealed envelopes, participation, receipts, key holders).
HELD_BALLOT_DATA = ["review_stagedballot", "review_participation", "review_receipt", "review_roundkeyholder"]


_ADMIN: dict = {}  # the database administrator's cursor for the current test (pageinspect, WAL, replication slot)


@pytest.fixture(autouse=True)
def _postgres_with_local_files():
    # The insider is the database administrator, not the portal's own role (which may read none of this, issue 14):
    # one connection for the whole test, so that the temporary replication slot lives as long as the test.
    with superuser_cursor() as admin:
        if admin is None:
            pytest.fail("the database administrator is needed (DATABASE_SUPERUSER_URL, as .ci/run sets it)")
        _ADMIN["cursor"] = admin
        try:
            if not Path(_scalar("SHOW data_directory")).joinpath("pg_wal").is_dir():
                pytest.fail("the PostgreSQL data directory must be readable (run as root or postgres, as .ci/run does)")
            _execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            yield
        finally:
            _ADMIN.clear()


@contextlib.contextmanager
def _admin_cursor():
    yield _ADMIN["cursor"]


def _scalar(sql, params=None):
    with _admin_cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _execute(sql, params=None):
    with _admin_cursor() as cursor:
        cursor.execute(sql, params or [])


def _relations(tables) -> list[str]:
    """The tables, their indexes and their TOAST tables and indexes."""
    found = []
    for table in tables:
        found.append(table)
        with _admin_cursor() as cursor:
            cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [table])
            found += [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass", [table])
            toast = cursor.fetchone()[0]
            if toast:
                found.append(_scalar("SELECT %s::regclass::text", [toast]))
                cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s", [toast])
                found += [row[0] for row in cursor.fetchall()]
    return found


def _raw_pages(relation: str) -> bytes:
    """Every page of the relation's main fork, free space and dead tuples included (what ``pageinspect`` shows)."""
    blocks = _scalar("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [relation])
    with _admin_cursor() as cursor:
        chunks = []
        for block in range(blocks):
            cursor.execute("SELECT get_raw_page(%s, %s)", [relation, block])
            chunks.append(bytes(cursor.fetchone()[0]))
    return b"".join(chunks)


def _relfilenodes(relations) -> set[int]:
    return {_scalar("SELECT pg_relation_filenode(%s::regclass)", [r]) for r in relations}


class Wal:
    """The WAL between two LSNs: the records (from ``pg_waldump``) and the raw bytes of the segment files."""

    RECORD = re.compile(r"tx:\s+(\d+), lsn: ([0-9A-F]+/[0-9A-F]+), prev [0-9A-F/]+, desc: (.*)$")

    def __init__(self, start: str, end: str):
        self.dir = Path(_scalar("SHOW data_directory")) / "pg_wal"
        self.segment = int(_scalar("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"))
        if self.segment < 1024 * 1024:  # reported in blocks on some versions
            self.segment *= int(_scalar("SHOW wal_block_size"))
        self.timeline = _scalar("SELECT timeline_id FROM pg_control_checkpoint()")
        self.db = _scalar("SELECT oid FROM pg_database WHERE datname = current_database()")
        self.start, self.end = _lsn(start), _lsn(end)
        waldump = shutil.which("pg_waldump") or next(Path("/usr/lib/postgresql").glob("*/bin/pg_waldump"), None)
        assert waldump, "pg_waldump is needed (postgresql-client / the server package)"
        out = subprocess.run(
            [str(waldump), "-p", str(self.dir), "-s", start, "-e", end],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        self.records = []  # (lsn, xid, relfilenodes of this database, description)
        for line in out.splitlines():
            match = self.RECORD.search(line)
            if not match:
                continue
            rels = {int(n) for n in re.findall(rf"rel \d+/{self.db}/(\d+)", line)}
            self.records.append((_lsn(match.group(2)), int(match.group(1)), rels, match.group(3)))
        assert self.records, "pg_waldump read no record"

    def raw(self) -> bytes:
        """The bytes of the segment files from ``start`` to ``end``."""
        chunks, pos = [], self.start
        while pos < self.end:
            segno, offset = divmod(pos, self.segment)
            per_id = 0x100000000 // self.segment
            name = f"{self.timeline:08X}{segno // per_id:08X}{segno % per_id:08X}"
            with open(self.dir / name, "rb") as handle:
                handle.seek(offset)
                chunk = handle.read(min(self.end - pos, self.segment - offset))
            chunks.append(chunk)
            pos += len(chunk)
        return b"".join(chunks)

    def record_at(self, lsn: int):
        """The record whose bytes contain ``lsn`` (the last record starting at or before it)."""
        best = None
        for record in self.records:
            if record[0] <= lsn:
                best = record
            else:
                break
        return best

    def hits(self, markers) -> list[tuple]:
        data = self.raw()
        found = []
        for marker in markers:
            for match in re.finditer(re.escape(marker), data):
                found.append((marker, self.record_at(self.start + match.start())))
        return found


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@pytest.fixture
def keep_wal():
    """A temporary physical replication slot that reserves the WAL from now on, so that no checkpoint recycles the
    segments the test reads (dropped at the end, and by PostgreSQL with the session anyway)."""
    name = f"i13_wal_{os.getpid()}_{secrets.token_hex(4)}"
    _execute("SELECT pg_create_physical_replication_slot(%s, true, true)", [name])
    yield
    _execute("SELECT pg_drop_replication_slot(%s)", [name])


def _vote_and_close(staff):
    """A round of 7 experts and two candidates: one voted by all (opened), one by two (no quorum, never opened)."""
    review_round, experts, [a, b] = draft_round(staff, candidates=2)
    start = _scalar("SELECT pg_current_wal_insert_lsn()::text")
    review_round = services.round_open(review_round=review_round, actor=staff)
    take_shares(review_round)
    choices = [Choice.APPROVE] * 4 + [Choice.DISAPPROVE] * 2 + [Choice.ABSTAIN]
    for expert, choice in zip(experts, choices, strict=True):
        services.ballot_cast(candidate=a, choice=choice, actor=expert)
    services.ballot_cast(candidate=b, choice=Choice.DISAPPROVE, actor=experts[0])
    services.ballot_cast(candidate=b, choice=Choice.APPROVE, actor=experts[1])
    envelopes = [bytes(e) for e in StagedBallot.objects.values_list("envelope", flat=True)]
    close_round(review_round, staff)  # VACUUMs the staging table on commit
    end = _scalar("SELECT pg_current_wal_flush_lsn()::text")
    return review_round, start, end, envelopes


def test_after_close_no_page_or_wal_record_holds_a_plaintext_choice(staff, keep_wal):
    review_round, start, end, envelopes = _vote_and_close(staff)
    # Every sealed ballot had the same length whatever its choice (so neither a page nor the WAL tells it by size).
    assert {len(e) for e in envelopes} == {sealing.ENVELOPE_SIZE}
    # Pages of every table and index that held ballot data: no plaintext choice, not even in freed space.
    for relation in _relations(HELD_BALLOT_DATA):
        pages = _raw_pages(relation)
        for marker in MARKERS:
            assert marker not in pages, f"{marker!r} in the pages of {relation}"
    # The method finds what is there: the anonymous final ballots do hold their choices.
    final_pages = _raw_pages("review_ballot")
    assert Choice.DISAPPROVE.encode() in final_pages
    # The candidate that failed quorum was never opened: no final ballot of it.
    assert not Ballot.objects.filter(candidate__round=review_round, candidate__outcome="no_quorum").exists()
    assert Ballot.objects.filter(candidate__round=review_round).count() == 7

    wal = Wal(start, end)
    final = _relfilenodes(_relations(["review_ballot"]))
    hits = wal.hits(COLUMN_VALUES)
    mine = [(marker, record) for marker, record in hits if record is not None and record[2]]
    assert mine, "the WAL of the close should show the final ballots (the search must find what is there)"
    for marker, (_at, _xid, rels, desc) in mine:
        assert rels <= final, f"{marker!r} in a WAL record of another relation ({desc})"
    # ... and every WAL record that touched the final ballots belongs to the one closing transaction.
    writers = {xid for _l, xid, rels, _d in wal.records if rels & final and xid}
    assert len(writers) == 1, writers


def test_with_every_byte_of_the_database_and_no_shares_no_ballot_opens(staff, monkeypatch, keep_wal):
    made = {}
    original = sealing.new_round_key

    def remembering():
        private, public = original()
        made["private"] = private
        return private, public

    monkeypatch.setattr(sealing, "new_round_key", remembering)
    review_round, start, end, envelopes = _vote_and_close(staff)
    private = made.pop("private")
    # Sanity: the remembered key opens the envelopes (so looking for it below is looking for the right thing).
    cand = review_round.candidates.order_by("workstation_id").first()
    assert sealing.open_envelope(private, envelopes[0], round_id=review_round.pk, candidate_id=cand.pk) in Choice.values
    codes = list(SHARES[review_round.pk].values())
    shares = [sealing.parse_share_code(review_round.pk, code) for code in codes]
    secrets_ = [
        private,
        private.hex().encode(),
        base64.b64encode(private),
        base64.b32encode(private),
        *(share for _i, share in shares),
        *(code.encode() for code in codes),
        *(code.replace("-", "").encode() for code in codes),
    ]
    # No page of any relation of the database holds the key or a share (the pending shares were erased when taken).
    assert not RoundKeyHolder.objects.exclude(pending_share="").exists()
    with _admin_cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('public', 'pg_toast') "
            "AND pg_relation_size(c.oid) > 0"
        )
        relations = [row[0] for row in cursor.fetchall()]
    assert "review_stagedballot" in relations or "review_ballot" in relations
    for relation in relations:
        pages = _raw_pages(relation)
        for secret in secrets_:
            assert secret not in pages, f"a key or share in {relation}"
    # Nor does any WAL record of this database since the round opened.
    wal = Wal(start, end)
    for _secret, record in wal.hits(secrets_):
        assert record is None or not record[2], f"a key or share in the WAL ({record})"
    # One share is below the threshold: it rebuilds nothing that opens a ballot, and the portal refuses it.
    with pytest.raises(sealing.BadShare):
        sealing.combine_shares(shares[:1], bytes(review_round.public_key))
    with pytest.raises(services.ReviewError):
        services.round_recount(review_round=review_round, actor=staff, shares=codes[:1])
