"""The nudge types that exist today. Features that arrive later register theirs in their own package."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.nudges.registry import register_nudge_type
from app.org.models import Role

MANAGERS = (Role.STORE_MANAGER, Role.DISTRICT_MANAGER)

# Sent by app/missions when a mission is assigned (see README "Nudges" for the call).
register_nudge_type(
    "mission_assigned", label=_l("A new mission for you"),
    title=_l("New mission: %(mission)s"), body=_l("Worth %(points)s points. Open it to see what to do."),
    tag="mission-%(assignment_id)s", order=10)

# Sent by the periodic job in app/nudges/schedule.py, the morning before the due date.
register_nudge_type(
    "mission_due_tomorrow", label=_l("Missions due tomorrow"),
    title=_l("Due tomorrow"), body=_l("Still to do: %(missions)s."),
    tag="missions-due", fresh_for=timedelta(hours=14), order=20)

# Sent by the periodic job in the evening of a day without activity.
register_nudge_type(
    "streak_at_risk", label=_l("My streak is at risk"),
    title=_l("Keep your %(days)s-day streak"), body=_l("One mission or training today keeps it going."),
    tag="streak", urgency="high", fresh_for=timedelta(hours=4), order=30)

# Listens to badge_granted (app/nudges/listeners.py).
register_nudge_type(
    "badge_earned", label=_l("Badges I earn"),
    title=_l("New badge: %(badge)s"), body=_l("It's on your badge wall now."), order=40)

# Listens to stage_reached.
register_nudge_type(
    "stage_reached", label=_l("A new stage of my journey"),
    title=_l("You've reached %(stage)s"), body=_l("A new stage of your journey: see what comes next."),
    order=50)

# Sent by app/rewards when a manager decides on a redemption.
register_nudge_type(
    "reward_approved", label=_l("Rewards approved"),
    title=_l("Reward approved: %(reward)s"), body=_l("It's ready: ask your manager to hand it over."),
    tag="reward-%(redemption_id)s", order=60)
register_nudge_type(
    "reward_refused", label=_l("Rewards refused"),
    title=_l("Reward refused: %(reward)s"), body=_l("%(reason)s Your points are back in your balance."),
    tag="reward-%(redemption_id)s", order=61)

# Sent by app/points when a manager answers a question about points.
register_nudge_type(
    "dispute_resolved", label=_l("Answers to my questions about points"),
    title=_l("Your question about points was answered"), body=_l("%(answer)s"),
    tag="dispute-%(dispute_id)s", order=70)

# The weekly digest for managers: in the app always, pushed only if they turn it on.
register_nudge_type(
    "weekly_digest", label=_l("My team's weekly summary"),
    title=_l("Your team's week"),
    body=_l("Points earned: %(points)s (%(stores)s). Waiting for you: %(signoffs)s sign-offs, "
            "%(disputes)s questions about points."),
    default_on=False, urgency="low", roles=MANAGERS, order=80)
