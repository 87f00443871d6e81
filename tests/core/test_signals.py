"""The signal contract (app/core/signals.py): one payload type per signal, receivers called in the order
they were connected, and work queued with `when_settled` run once per event."""

from dataclasses import dataclass

import pytest

from app.core.signals import EventSignal, PointsAwarded, points_awarded, settling, when_settled


@dataclass(frozen=True)
class Ping:
    n: int


@pytest.fixture
def ping():
    return EventSignal("test-ping", Ping)


def test_receivers_run_in_the_order_they_were_connected(ping):
    heard = []
    receivers = [lambda _sender, *, event, name=name: heard.append(name) for name in "edcba"]
    for receiver in receivers:
        ping.connect(receiver)
    ping.connect(receivers[0])  # connecting again keeps the first place
    ping.send(None, event=Ping(1))
    assert heard == list("edcba")
    ping.disconnect(receivers[2])
    heard.clear()
    ping.send(None, event=Ping(2))
    assert heard == list("edba")


def test_a_signal_takes_its_own_payload_only(ping):
    with pytest.raises(TypeError):
        ping.send(None, n=1)
    with pytest.raises(TypeError):
        ping.send(None, event=PointsAwarded(entry=None, person=None, lifetime=0))
    with pytest.raises(TypeError):
        points_awarded.send(None, event=Ping(1))
    with pytest.raises(TypeError):
        ping.send("a sender", event=Ping(1))


def test_work_queued_during_an_event_runs_once_when_it_settles(ping):
    log = []

    def receiver(_sender, *, event):
        log.append(f"heard {event.n}")
        when_settled("check", lambda: lambda: log.append(f"checked {event.n}"))
        if event.n < 3:
            ping.send(None, event=Ping(event.n + 1))  # a receiver's own signal is part of the event

    ping.connect(receiver)
    ping.send(None, event=Ping(1))
    assert log == ["heard 1", "heard 2", "heard 3", "checked 1"]  # the first callback queued under a key
    log.clear()
    with settling():  # one event made of several signals
        ping.send(None, event=Ping(3))
        ping.send(None, event=Ping(4))
        assert log == ["heard 3", "heard 4"]
    assert log == ["heard 3", "heard 4", "checked 3"]


def test_a_failed_event_drops_its_queued_work(ping):
    ran = []

    def receiver(_sender, *, event):
        when_settled("check", lambda: lambda: ran.append(event.n))
        raise RuntimeError("the receiver failed")

    ping.connect(receiver)
    with pytest.raises(RuntimeError):
        ping.send(None, event=Ping(1))
    ping.disconnect(receiver)
    ping.send(None, event=Ping(2))
    assert ran == []


def test_outside_any_event_the_work_runs_now():
    ran = []
    when_settled("check", lambda: lambda: ran.append("now"))
    assert ran == ["now"]
