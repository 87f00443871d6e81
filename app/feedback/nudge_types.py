"""The nudges feedback sends. Registered at import (app.feedback.services imports this module)."""

from flask_babel import lazy_gettext as _l

from app.nudges import register_nudge_type

register_nudge_type("kudos_received", label=_l("Kudos received"), title=_l("Kudos from %(name)s"),
                    body=_l("%(message)s"), tag="kudos:%(kudos_id)s", order=60)
register_nudge_type("feedback_received", label=_l("Feedback received"), title=_l("Feedback from %(name)s"),
                    body=_l("%(message)s"), tag="feedback:%(feedback_id)s", order=61)
register_nudge_type("feedback_requested", label=_l("Feedback requested"),
                    title=_l("%(name)s asks for your feedback"), body=_l("%(question)s"),
                    tag="feedback-request:%(request_id)s", order=62)
register_nudge_type("upward_answered", label=_l("Answers to your questions"),
                    title=_l("Your question has an answer"), body=_l("%(answer)s"),
                    tag="upward:%(upward_id)s", order=63)
register_nudge_type("upward_received", label=_l("Questions and feedback from your team"),
                    title=_l("%(name)s sent you feedback"), body=_l("%(body)s"),
                    tag="upward:%(upward_id)s", order=64,
                    roles=("store_manager", "district_manager", "hr", "admin"))
