"""The key holders of a review round and their shares of its key (issue 13; docs/ballot-secrecy.md): who may hold
one, handing the shares out once, rebuilding the key from typed share codes in memory only."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal import crypto
from portal.models import User
from portal.roles import OrgKind, Role
from review import sealing
from review.models import ReviewRound, RoundEvent, RoundKeyHolder
from review.services.base import ReviewError, _event, _lock, _vacuum


def default_key_holders(actor: User) -> list[User]:
    """Issue 13's default: the supervisor and two members of city staff (the creator and one colleague)."""
    supervisor = User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True).order_by("pk")
    colleague = (
        User.objects.filter(organisation__kind=OrgKind.CITY_BUREAU, is_active=True).exclude(pk=actor.pk).order_by("pk")
    )
    return [u for u in (supervisor.first(), actor, colleague.first()) if u is not None]


def _set_key_holders(review_round: ReviewRound, holders) -> None:
    holders = list(dict.fromkeys(holders))
    problems = []
    for user in holders:
        if not (user.is_active and user.has_role(Role.CITY_STAFF, Role.SUPERVISOR)):
            problems.append(_("%(user)s cannot hold a key: only city staff and the supervisor can.") % {"user": user})
    if problems:
        raise ReviewError(*problems)
    review_round.key_holders.exclude(holder__in=holders).delete()
    for user in holders:
        RoundKeyHolder.objects.get_or_create(round=review_round, holder=user)


def key_holder_problems(review_round: ReviewRound) -> list[str]:
    """Why the key holders cannot guard the round's ballot box (checked when the round opens)."""
    holders = [kh.holder for kh in review_round.key_holders.select_related("holder")]
    found = []
    if len(holders) < review_round.key_threshold:
        found.append(
            _("The rule needs %(k)d key holders to open the ballots but only %(n)d are named.")
            % {"k": review_round.key_threshold, "n": len(holders)}
        )
    if not any(h.has_role(Role.SUPERVISOR) for h in holders):
        found.append(_("The supervisor must be one of the key holders: city staff alone cannot open the ballots."))
    return found


@sensitive_variables("private_key", "shares")
def _issue_shares(locked: ReviewRound) -> bytes:
    """Make the round's key pair, split the private key among the key holders and forget it; returns the public key.

    Each share waits, encrypted with the portal's field key, until its holder takes it (once); then it is erased.
    """
    holders = list(locked.key_holders.order_by("pk"))
    private_key, public_key = sealing.new_round_key()
    shares = sealing.split_key(private_key, threshold=locked.key_threshold, holders=len(holders))
    del private_key
    for holder, (index, share) in zip(holders, shares, strict=True):
        holder.index = index
        holder.fingerprint = sealing.share_fingerprint(locked.pk, index, share)
        holder.pending_share = crypto.encrypt(sealing.share_code(locked.pk, index, share))
        holder.save(update_fields=["index", "fingerprint", "pending_share"])
    return public_key


@sensitive_variables("code")
def key_share_take(*, review_round: ReviewRound, actor: User) -> tuple[RoundKeyHolder, str]:
    """A key holder takes their share, once: the code is returned and the server's copy erased in the same step."""
    with transaction.atomic():
        locked = _lock(review_round)
        holder = locked.key_holders.select_for_update().filter(holder=actor).first()
        if holder is None:
            raise PermissionDenied(_("You are not a key holder of this round."))
        if not locked.is_open:
            raise ReviewError(_("Shares are handed out while the round is open."))
        if not holder.pending_share:
            raise ReviewError(_("You have already taken your share; the portal keeps no copy of it."))
        code = crypto.decrypt(holder.pending_share)
        holder.pending_share = ""
        holder.taken_at = timezone.now()
        holder.save(update_fields=["pending_share", "taken_at"])
        _event(locked, RoundEvent.Kind.SHARE, actor, _("share %(n)d") % {"n": holder.index})
        transaction.on_commit(lambda: _vacuum("review_roundkeyholder"))
    return holder, code


@sensitive_variables("shares", "parsed", "private_key")
def rebuild_key(review_round: ReviewRound, shares: list[str], *, need_supervisor: bool = True) -> bytes:
    """The round's private key from the typed share codes, in memory only. Refuses too few shares, a share that is
    not one of this round's, and (for the close) a set without the supervisor's share: staff alone cannot open."""
    parsed, owners, problems = [], [], []
    holders = {kh.fingerprint: kh for kh in review_round.key_holders.select_related("holder") if kh.fingerprint}
    for code in shares:
        if not code.strip():
            continue
        try:
            index, share = sealing.parse_share_code(review_round.pk, code)
        except sealing.BadShare:
            problems.append(_("A share code is mistyped or belongs to another round."))
            continue
        holder = holders.get(sealing.share_fingerprint(review_round.pk, index, share))
        if holder is None:
            problems.append(_("A share code is not one of this round's shares."))
            continue
        parsed.append((index, share))
        owners.append(holder.holder)
    if problems:
        raise ReviewError(*problems)
    if len({i for i, _s in parsed}) < review_round.key_threshold:
        raise ReviewError(
            _("The ballots open with %(k)d shares of different key holders; %(n)d were entered.")
            % {"k": review_round.key_threshold, "n": len({i for i, _s in parsed})}
        )
    if need_supervisor and not any(owner.has_role(Role.SUPERVISOR) for owner in owners):
        raise ReviewError(_("The supervisor's share is needed: city staff alone cannot open the ballots."))
    try:
        return sealing.combine_shares(list(dict(parsed).items()), bytes(review_round.public_key))
    except sealing.BadShare as exc:
        raise ReviewError(_("The shares do not open this round's ballot box.")) from exc
