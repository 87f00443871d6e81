"""New people get their missions and onboarding journey in the transaction that creates them."""

from app.core.signals import PeopleCreated, PersonCreated, people_created, person_created
from app.core.timezones import local_today
from app.missions import assignments


def on_person_created(_sender, *, event: PersonCreated) -> None:
    """The active onboarding journey (for a new hire) and every running mission whose audience includes
    them."""
    assignments.sync_person(event.person, local_today(event.person))


def on_people_created(_sender, *, event: PeopleCreated) -> None:
    """An import: everyone's missions and journey in bulk. Their "today" is the first person's store day
    (an import is one chain on one day; a store a time zone away gets its daily missions at the next
    hourly roll-over)."""
    people = list(event.people)
    assignments.sync_people(people, local_today(people[0]))


def connect() -> None:
    person_created.connect(on_person_created)
    people_created.connect(on_people_created)
