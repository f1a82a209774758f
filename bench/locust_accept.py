"""Eight statisticians accepting returns at once, each in a zone of their own: locust (the dev
lock's load tool) as a library, in a process of its own (it patches the standard library with
gevent, which Django's process must not get).

`python bench/locust_accept.py PLAN.json` reads the plan the benchmark wrote (the server's address,
and per statistician an API token and the ids of the returns of its zone to accept), starts one
locust user per statistician, each POSTing `/api/returns/<id>/accept/` for its ids one after the
other as fast as the server answers, and prints the figures as one line of JSON.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import gevent
from locust import HttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

PLAN: dict[str, Any] = {}
NAME = "POST /api/returns/<id>/accept/"


class Statistician(HttpUser):
    wait_time = constant(0)
    taken = 0

    def on_start(self) -> None:
        mine = PLAN["users"][Statistician.taken]
        Statistician.taken += 1
        self.client.headers["Authorization"] = f"Token {mine['token']}"
        self.ids = list(mine["ids"])

    @task
    def accept(self) -> None:
        if not self.ids:
            raise StopUser
        pk = self.ids.pop()
        with self.client.post(
            f"/api/returns/{pk}/accept/", json={}, name=NAME, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


def main(path: str) -> None:
    with open(path, encoding="utf-8") as plan:
        PLAN.update(json.load(plan))
    Statistician.host = PLAN["host"]
    environment = Environment(user_classes=[Statistician])
    runner = environment.create_local_runner()
    users = len(PLAN["users"])
    started = time.perf_counter()
    runner.start(users, spawn_rate=users)
    total = sum(len(user["ids"]) for user in PLAN["users"])
    deadline = started + PLAN.get("timeout", 600)
    while time.perf_counter() < deadline:
        gevent.sleep(0.2)
        done = environment.stats.total.num_requests
        if done >= total or (runner.user_count == 0 and done):
            break
    runner.quit()
    elapsed = time.perf_counter() - started
    entry = environment.stats.get(NAME, "POST")
    errors = [
        {"error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    print(
        json.dumps(
            {
                "users": users,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": entry.max_response_time,
                "seconds": elapsed,
                "errors": errors,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
