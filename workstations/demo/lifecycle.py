"""Demo workstations in every state of SPEC §3, each with the timeline of how it got there.

The states are laid down directly, with their history rows, because the stage apps' data that the transition
conditions read (applications, ballots, publicity lists) are built by their own demo builders afterwards.
"""

from portal.demo import COUNTIES, World
from workstations.models import State, TransitionLog, Workstation
from workstations.services.lifecycle import workstation_create

# The path each demo state took through the machine: (transition, to-state, actor key, reason).
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [("submit", State.SUBMITTED, "host", "")],
    State.RETURNED: [
        ("submit", State.SUBMITTED, "host", ""),
        ("return_for_revision", State.RETURNED, "clerk", "工作人员名单不足5人，请补充。"),
    ],
    State.NOT_RECOMMENDED: [
        ("submit", State.SUBMITTED, "host", ""),
        ("decline", State.NOT_RECOMMENDED, "clerk", "本次推荐名额已满，综合排名靠后。"),
    ],
}
_RECOMMENDED = [("submit", State.SUBMITTED, "host", ""), ("recommend", State.RECOMMENDED, "clerk", "")]
PATHS[State.RECOMMENDED] = _RECOMMENDED
# Issue 16: the city's qualification check (资格审查) lies between recommendation and review.
PATHS[State.QUALIFIED] = [*_RECOMMENDED, ("qualify", State.QUALIFIED, "staff", "")]
PATHS[State.INELIGIBLE] = [
    *_RECOMMENDED,
    ("rule_ineligible", State.INELIGIBLE, "staff", "实地考察发现工作场所未落实，不符合第五条第（三）项第5目。"),
]
PATHS[State.UNDER_REVIEW] = [*PATHS[State.QUALIFIED], ("start_review", State.UNDER_REVIEW, "staff", "")]
PATHS[State.REVIEW_PASSED] = [*PATHS[State.UNDER_REVIEW], ("pass_review", State.REVIEW_PASSED, "staff", "")]
PATHS[State.REVIEW_FAILED] = [*PATHS[State.UNDER_REVIEW], ("fail_review", State.REVIEW_FAILED, "staff", "")]
PATHS[State.IN_PUBLICITY] = [*PATHS[State.REVIEW_PASSED], ("publish", State.IN_PUBLICITY, "staff", "")]
PATHS[State.NOT_RECOGNISED] = [
    *PATHS[State.IN_PUBLICITY],
    ("uphold_objection", State.NOT_RECOGNISED, "staff", "经核实，申报材料中的获奖证书与实际不符。"),
]
PATHS[State.PUBLICITY_CLEARED] = [
    *PATHS[State.IN_PUBLICITY],
    ("clear_publicity", State.PUBLICITY_CLEARED, None, ""),
]
PATHS[State.CERTIFIED] = [*PATHS[State.PUBLICITY_CLEARED], ("certify", State.CERTIFIED, "staff", "")]
PATHS[State.ACTIVE] = [*PATHS[State.CERTIFIED], ("issue_plaque", State.ACTIVE, "staff", "")]
PATHS[State.RECTIFYING] = [
    *PATHS[State.ACTIVE],
    ("start_rectification", State.RECTIFYING, "staff", "年度评价不合格，限期90日整改。"),
]
PATHS[State.DEREGISTERED] = [
    *PATHS[State.ACTIVE],
    ("deregister", State.DEREGISTERED, "staff", "所在单位自主申请注销。"),
]
PATHS[State.REVOKED] = [
    *PATHS[State.RECTIFYING],
    ("revoke", State.REVOKED, "staff", "限期整改仍不达标。"),
]

# (lead mentor, host unit login, state). Lead mentors' names are fictional.
DEMO_WORKSTATIONS = [
    ("张伟", "host1", State.ACTIVE),
    ("李娜", "host2", State.ACTIVE),
    ("王磊", "host3", State.ACTIVE),
    ("刘洋", "host4", State.RECTIFYING),
    ("陈静", "host5", State.CERTIFIED),
    ("杨帆", "host6", State.PUBLICITY_CLEARED),
    ("赵敏", "host7", State.IN_PUBLICITY),
    ("黄磊", "host8", State.REVIEW_PASSED),
    ("周强", "host9", State.UNDER_REVIEW),
    ("吴芳", "host10", State.RECOMMENDED),
    ("徐涛", "host1", State.SUBMITTED),
    ("孙丽", "host3", State.RETURNED),
    ("马超", "host5", State.DRAFT),
    ("朱琳", "host6", State.NOT_RECOMMENDED),
    ("胡斌", "host7", State.REVIEW_FAILED),
    ("郭敏", "host8", State.NOT_RECOGNISED),
    ("何军", "host9", State.DEREGISTERED),
    ("林峰", "host10", State.REVOKED),
    ("钱坤", "host2", State.QUALIFIED),
    ("蒋华", "host4", State.INELIGIBLE),
]

# The county clerk who handled each demo application: the login portal.demo gave that county.
COUNTY_CLERK = {short: login for _code, _name, short, login in COUNTIES}


def build(world: World) -> None:
    for lead, host_login, state in DEMO_WORKSTATIONS:
        host = world.orgs[host_login]
        county = host.county
        # A university's own host unit in the open call goes through its university (Art. 6(2), the call allows it).
        via_university = host.university_id is not None and state == State.QUALIFIED
        ws = Workstation.objects.filter(host_unit=host, lead_mentor_name=lead).first()
        if ws is None:
            ws = workstation_create(
                host_unit=host,
                recommender=host.university if via_university else county,
                lead_mentor_name=lead,
                state=state,
            )
            actors = {
                "host": world.users[host_login],
                "clerk": world.users["pdsu" if via_university else COUNTY_CLERK[county.short_name]],
                "staff": world.users["staff"],
                None: None,
            }
            from_state = State.DRAFT
            for name, to_state, actor_key, reason in PATHS[state]:
                TransitionLog.objects.create(
                    workstation=ws,
                    transition=name,
                    from_state=from_state,
                    to_state=to_state,
                    actor=actors[actor_key],
                    reason=reason,
                )
                from_state = to_state
        world.data.setdefault("workstations", {})[lead] = ws
