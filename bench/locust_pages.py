"""The reporting month's pages asked for by logged-in users at once: locust (the dev lock's load
tool) as a library, in a process of its own (it patches the standard library with gevent, which
Django's process must not get). Its FastHttpUser (geventhttpclient): the client shares the
server's two cores, and requests' client (HttpUser) took about 2.7 ms of CPU a request, a tenth
of a month page's own cost, on the cores the pages are measured on.

`python bench/locust_pages.py PLAN.json` reads the plan the benchmark wrote (the server's address,
the requests per user, and per user a session cookie and the pages it asks for in turn), starts
one locust user each, asking as a person clicking through would (a second or so apart), and prints
the figures per page as one line of JSON.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment
from locust.exception import StopUser

PLAN: dict[str, Any] = {}


THINK_SECONDS = (0.3, 1.0)


class Reader(FastHttpUser):
    wait_time = between(*THINK_SECONDS)
    taken = 0

    def on_start(self) -> None:
        mine = PLAN["users"][Reader.taken]
        Reader.taken += 1
        self.cookie = f"sessionid={mine['cookie']}"
        self.urls = mine["urls"]
        self.left = PLAN["requests"]
        self.turn = 0
        # The first click after a think time too, as every later one: eight people do not click
        # in the same millisecond (started together, their first requests queued behind each
        # other: five of the month page's six slowest of 120 in one run).
        gevent.sleep(random.uniform(*THINK_SECONDS))

    @task
    def read(self) -> None:
        if self.left <= 0:
            raise StopUser
        self.left -= 1
        name, url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        # The user's session only, as the header says (the jar would add what a response set).
        self.client.cookiejar.clear()
        with self.client.get(
            url,
            name=name,
            headers={"Cookie": self.cookie},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


def main(path: str) -> None:
    with open(path, encoding="utf-8") as plan:
        PLAN.update(json.load(plan))
    Reader.host = PLAN["host"]
    environment = Environment(user_classes=[Reader])
    runner = environment.create_local_runner()
    users = len(PLAN["users"])
    started = time.perf_counter()
    runner.start(users, spawn_rate=users)
    total = users * PLAN["requests"]
    deadline = started + PLAN.get("timeout", 900)
    while time.perf_counter() < deadline:
        gevent.sleep(0.2)
        done = environment.stats.total.num_requests
        if done >= total or (runner.user_count == 0 and done):
            break
    runner.quit()
    pages = {}
    for (name, _method), entry in sorted(environment.stats.entries.items()):
        pages[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": entry.max_response_time,
        }
    errors = [
        {"error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    print(
        json.dumps(
            {
                "users": users,
                "seconds": time.perf_counter() - started,
                "pages": pages,
                "errors": errors,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
