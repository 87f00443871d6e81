"""The simulated people of bench/page_load.py, run by `locust --headless` in its own process (locust patches
the standard library with gevent, so it stays out of the benchmark's process).

The plan file named by ASCENT_LOAD_PLAN says which page to load and holds one signed-in session per
simulated person (signed in through the real login form before the run, so logins don't cut into the
measured window): its cookies, its CSRF token and, for the mission scenario, its open assignments.
Every person asks for one thing in a closed loop (no wait between requests); a response that is not the
expected status, or is a page where a fragment was expected, counts as a failure."""

from __future__ import annotations

import itertools
import json
import os
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

with open(os.environ["ASCENT_LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)

_next_slot = itertools.count()  # gevent runs every simulated person in this one process


class SignedInPerson(FastHttpUser):
    wait_time = constant(0)
    # Plenty of connections per person are not needed: each person has one request in flight.
    concurrency = 1

    def on_start(self) -> None:
        slot = PLAN["sessions"][next(_next_slot) % len(PLAN["sessions"])]
        self.cookie = "; ".join(f"{name}={value}" for name, value in slot["cookies"].items())
        self.csrf_token = slot["csrf_token"]
        self.board_path = slot.get("board_path")
        self.assignments = list(slot.get("assignments", []))

    def _get(self, path: str, name: str, *, fragment: bool = False) -> None:
        headers = {"Cookie": self.cookie}
        if fragment:
            # What htmx sends when the board section refreshes itself (hx-get on #board).
            headers.update({"HX-Request": "true", "HX-Target": "board", "HX-Trigger": "board"})
        with self.client.get(path, name=name, headers=headers, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} (expected 200)")
            elif fragment and "<html" in response.text:
                response.failure("a whole page where the fragment was expected")
            elif fragment and 'id="board"' not in response.text:
                response.failure("the fragment has no board")

    @task
    def load(self) -> None:
        scenario = PLAN["scenario"]
        if scenario == "home":
            self._get("/home", "GET /home")
        elif scenario == "board":
            self._get(self.board_path, "GET /board/ fragment", fragment=True)
        elif scenario == "district":
            self._get("/kpis/district", "GET /kpis/district")
        elif scenario == "mission":
            self._complete_mission()
        else:
            raise ValueError(f"unknown scenario {scenario!r}")

    def _complete_mission(self) -> None:
        if not self.assignments:
            # Every open assignment prepared for this person is done: counting cheap "already sent"
            # replies would flatter the figures, so this person stops and the shortfall shows.
            self.environment.events.request.fire(
                request_type="POST", name="POST /missions/<id>/submit", response_time=0, response_length=0,
                exception=RuntimeError("no open assignment left for this person"), context={})
            raise StopUser()
        assignment_id = self.assignments.pop()
        path = f"/missions/{assignment_id}/submit"
        # hx-boost submits the form through htmx; the route answers 303 to the mission page either way.
        headers = {"Cookie": self.cookie, "HX-Request": "true", "HX-Boosted": "true",
                   "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(path, name="POST /missions/<id>/submit", headers=headers,
                              data=urlencode({"csrf_token": self.csrf_token}), allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 303:
                response.failure(f"{response.status_code} (expected 303)")
            elif not location.rstrip("/").endswith(f"/missions/{assignment_id}"):
                response.failure(f"redirected to {location!r}, not the mission page")
