"""Whole-city figures computed once per change, not once per request (issue 21 item 1).

A staff page that shows a figure over every workstation, ledger or summary row of the city (the home page's counts,
the compliance board's totals, the subsidy overview's ledgers per county) reads it through :func:`cached`: the value
is stored in the cache under its name, its parts (who may see what, the year, today) and the current *version* of
each topic it is computed from. Every write to a topic's tables moves its version on (:func:`bump`, connected to the
models' ``post_save`` / ``post_delete`` by :func:`bump_on_change`, and called by the services that write with
``update()`` or ``bulk_create``), so the next request computes the figure again from the rows — like a materialised
view refreshed by the writes — and every other request is one cache round trip.

Correctness does not depend on the cache: a version is a random token kept in the cache, so a lost or evicted
version (a Redis restart, the per-process cache of development) only costs one computation, never a stale figure.
A version is forgotten both at the write and after its commit: a request that computed from the rows before the
commit stored its figure under the version it read first, which the commit has already replaced.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# The topics: what a figure is computed from. A topic names tables, not one app's models, so that a figure that reads
# workstations and ledgers lists both.
WORKSTATIONS = "workstations"  # Workstation rows: state, certification, recommender, host unit
LEDGERS = "ledgers"  # ledgers, their entries and the reviews of "other" expenditures
COMPLIANCE = "compliance"  # the Art. 10 summary rows (ComplianceSummary)
APPLICATIONS = "applications"  # Application rows: which call each belongs to (its state is its workstation's)
TOPICS = (WORKSTATIONS, LEDGERS, COMPLIANCE, APPLICATIONS)

VERSION_TTL = 7 * 24 * 3600
VALUE_TTL = 3600  # a figure is replaced when a version moves on; the TTL only clears out old variants


def _version_key(topic: str) -> str:
    return f"aggregates:version:{topic}"


def versions(topics: Iterable[str]) -> tuple[str, ...]:
    """The current version of each topic (one cache round trip when all are known)."""
    topics = tuple(topics)
    keys = [_version_key(t) for t in topics]
    known = cache.get_many(keys)
    result = []
    for key in keys:
        version = known.get(key)
        if version is None:  # first use, or evicted: a new token (never a reused one, so no stale figure matches)
            cache.add(key, uuid.uuid4().hex, VERSION_TTL)
            version = cache.get(key) or uuid.uuid4().hex
        result.append(version)
    return tuple(result)


def bump(*topics: str) -> None:
    """The data of ``topics`` changed: forget their versions now and again after the writer's commit."""
    keys = [_version_key(t) for t in topics]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def cached(name: str, parts: Iterable[object], topics: Iterable[str], compute: Callable[[], T]) -> T:
    """``compute()`` once per version of ``topics`` (and ``parts``: scope, year, today); the stored value otherwise.
    ``compute`` returns something small and picklable (counts, ids), never model instances."""
    topics = tuple(topics)
    key = ":".join(["aggregates", name, *map(str, parts), *versions(topics)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, VALUE_TTL)
    return value


def scope_of(user) -> str:
    """What a user's figures depend on: every ``visible_to`` in the portal reads the role and the organisation."""
    return f"{user.role}-{user.organisation_id or 0}"


def bump_on_change(model, *topics: str, deletes: bool = True) -> None:
    """Move ``topics`` on whenever a ``model`` row is saved or deleted (admin, services, commands alike).

    ``deletes=False`` for a table deleted in bulk by a service that bumps itself: a ``post_delete`` receiver makes
    Django load every deleted row to send it."""

    def receiver(sender, **kwargs):
        bump(*topics)

    uid = f"aggregates:{model._meta.label}:{'+'.join(topics)}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    if deletes:
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


class ObjectsByIds(Sequence):
    """A list of primary keys (a cached figure) read as the objects of ``queryset``, fetching only the slice asked
    for, so ``Paginator`` and ``[:10]`` cost one query for the rows shown. A row gone since is left out."""

    def __init__(self, ids: list[int], queryset):
        self.ids, self.queryset = ids, queryset

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.ids[index]
            found = self.queryset.in_bulk(wanted) if wanted else {}
            return [found[pk] for pk in wanted if pk in found]
        return self[index : index + 1][0]
