"""The platform's day under load: enterprise reporters submitting their month, statisticians
accepting, the provincial office and the zones' leadership reading pages and the API. locust
(the dev lock's load tool) as a library, in a process of its own (it patches the standard library
with gevent, which Django's process must not get). Its FastHttpUser (geventhttpclient): the load
client shares the server's two cores, and requests' client took about 2.7 ms of CPU a request.

`python bench/locust_load.py PLAN.json warmup|unloaded|loaded` reads the plan bench/load.py wrote (the
server's address; per persona its accounts, sessions, tokens and what it asks for) and runs:

- `warmup`: as `unloaded`, for the plan's `warmup_seconds`, not measured (each gunicorn worker
  loads its templates and the database its pages on first use);
- `unloaded`: one user, no think time, going through the personas' steps in turn, each persona as
  often as it has seats in the loaded run (the same mix of requests), for the plan's
  `unloaded_seconds`;
- `loaded`: the plan's seats (64 by default) at once, each waiting 1–3 s between two clicks, for
  the plan's `seconds`.

Each click is one request (a page, an API read, or a write). A reporter's seat takes the next
firm that has not reported yet: its return page, the draft saved through the API, submitted, read
back. A statistician's seat: the zone's open month, the returns awaiting review (API), one of
them accepted (with the office's explanation when it has warnings), the zone's indicators, the
review queue. Prints one line of JSON: per request name p50/p95/max and failures, the p95 of all
requests, the errors, and the ids of the returns whose submission or acceptance the client saw
succeed (to be counted in the database afterwards).
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import gevent
import gevent.event
from locust import FastHttpUser, between, constant, task
from locust.env import Environment
from locust.exception import StopUser

PLAN: dict[str, Any] = {}
SEEN: dict[str, list[int]] = {"submitted": [], "accepted": []}
# A reporter's seat takes the next firm of the pool; with none left it only reads.
POOL: list[dict[str, Any]] = []
EXHAUSTED = {"count": 0}
# Every response time by request name, in ms: exact percentiles (locust's own round to 2
# significant figures above 100 ms).
TIMES: dict[str, list[float]] = {}
# (seconds since the run's start when the response ended, ms): whether the slow requests come
# together (a burst of the server's own work) or spread (requests queueing for the CPU).
TIMELINE: list[tuple[float, float]] = []
STARTED = {"at": 0.0}
# Set when the run's time is up: each user stops after the click it is waiting for (a request
# cut off would count as a failure of the server).
STOPPING = gevent.event.Event()
# A loaded seat's pause between two clicks, and before its first.
THINK_SECONDS = (1.0, 3.0)
# How long the users get to finish their last click.
GRACE_SECONDS = 120


class Seat:
    """What one seat does, one request per click; `steps` in a cycle."""

    def __init__(self, persona: dict[str, Any], rng: random.Random) -> None:
        self.persona = persona
        self.rng = rng
        self.turn = 0

    def steps(self) -> list[Callable[[Any], None]]:
        raise NotImplementedError

    def click(self, client: Any) -> None:
        if STOPPING.is_set():
            raise StopUser  # the time is up: no new click (the one under way has ended)
        steps = self.steps()
        steps[self.turn % len(steps)](client)
        self.turn += 1


def _check(response: Any, expected: tuple[int, ...] = (200,)) -> bool:
    if response.status_code not in expected:
        # Status 0: no answer at all (the connection refused, reset or timed out).
        detail = (
            (response.text or "")[:300]
            if response.status_code
            else repr(getattr(response, "error", None))[:300]
        )
        response.failure(f"{response.status_code}: {detail}")
        return False
    return True


def _page(client: Any, name: str, url: str, cookie: str) -> None:
    # The seat's session only: a reporter's seat signs in as one firm after another, and the
    # client's cookie jar would send the last one's session beside it.
    client.cookiejar.clear()
    with client.get(
        url,
        name=name,
        headers={**PLAN["headers"], "Cookie": f"sessionid={cookie}"},
        catch_response=True,
        allow_redirects=False,
    ) as response:
        _check(response)


def _api(client: Any, method: str, name: str, url: str, token: str, **kwargs: Any) -> Any:
    """The response's JSON when the status is one expected, else None (a failure recorded)."""
    expected = kwargs.pop("expected", (200,))
    headers = {**PLAN["headers"], "Authorization": f"Token {token}"}
    client.cookiejar.clear()  # a token's request carries no session
    with client.request(
        method, url, name=name, headers=headers, catch_response=True, **kwargs
    ) as response:
        if not _check(response, expected):
            return None
        return response.json()


class Reporter(Seat):
    """An enterprise reporter (企业填报员) of a firm that has not reported the month yet."""

    def __init__(self, persona: dict[str, Any], rng: random.Random) -> None:
        super().__init__(persona, rng)
        self.firm: dict[str, Any] | None = None
        self.return_id: int | None = None

    def steps(self) -> list[Callable[[Any], None]]:
        return [self.page, self.save, self.submit, self.read]

    def page(self, client: Any) -> None:
        # A new cycle: the next firm of the pool (or, with none left, the last one again).
        if POOL:
            self.firm = POOL.pop()
            self.return_id = None
        elif self.firm is None:
            raise StopUser
        else:
            EXHAUSTED["count"] += 1
        _page(client, "page: my return (reporter)", PLAN["urls"]["my_return"], self.firm["cookie"])

    def save(self, client: Any) -> None:
        assert self.firm is not None
        if self.return_id is not None:
            return self.read(client)
        body = {"enterprise": self.firm["enterprise"], "period": PLAN["month"]}
        body.update(self.firm["values"])
        data = _api(
            client,
            "POST",
            "api: save a draft (reporter)",
            "/api/returns/",
            self.firm["token"],
            json=body,
            expected=(201,),
        )
        if data is not None:
            self.return_id = int(data["id"])
        return None

    def submit(self, client: Any) -> None:
        assert self.firm is not None
        if self.return_id is None or self.return_id in SEEN["submitted"]:
            return self.read(client)
        data = _api(
            client,
            "POST",
            "api: submit (reporter)",
            f"/api/returns/{self.return_id}/submit/",
            self.firm["token"],
            json={},
        )
        if data is not None and data.get("status") == "submitted":
            SEEN["submitted"].append(self.return_id)
        return None

    def read(self, client: Any) -> None:
        assert self.firm is not None
        if self.return_id is None:
            url, name = "/api/returns/?period=" + PLAN["month"], "api: own returns (reporter)"
        else:
            url, name = f"/api/returns/{self.return_id}/", "api: own return (reporter)"
        _api(client, "GET", name, url, self.firm["token"])


class Statistician(Seat):
    """A zone's statistician (统计人员) at the month end."""

    def __init__(self, persona: dict[str, Any], rng: random.Random) -> None:
        super().__init__(persona, rng)
        self.waiting: list[dict[str, Any]] = []

    def steps(self) -> list[Callable[[Any], None]]:
        return [self.month, self.awaiting, self.accept, self.indicators, self.queue]

    def month(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: the zone's month (statistician)", p["month_url"], p["cookie"])

    def awaiting(self, client: Any) -> None:
        p = self.persona
        data = _api(
            client,
            "GET",
            "api: returns awaiting review (statistician)",
            f"/api/returns/?zone={p['zone']}&period={PLAN['month']}&status=submitted",
            p["token"],
        )
        if data is not None:
            # Seats sharing a zone each take their share of its returns: two never accept the
            # same one.
            mine, seats = p.get("share", [0, 1])
            self.waiting = [
                row
                for row in data["results"]
                if row["id"] % seats == mine
                and not any(f["severity"] == "hard" for f in row["findings"])
            ]

    def accept(self, client: Any) -> None:
        p = self.persona
        if not self.waiting:
            return self.awaiting(client)
        row = self.waiting.pop(0)
        body: dict[str, str] = {}
        if row["findings"]:
            body = {"explanation_source": "phone", "explanation_note": "电话核实，数据属实"}
        data = _api(
            client,
            "POST",
            "api: accept (statistician)",
            f"/api/returns/{row['id']}/accept/",
            p["token"],
            json=body,
        )
        if data is not None and data.get("status") == "accepted":
            SEEN["accepted"].append(int(row["id"]))
        return None

    def indicators(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: indicators (statistician)", p["indicator_url"], p["cookie"])

    def queue(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: review queue (statistician)", p["queue_url"], p["cookie"])


class Province(Seat):
    """The provincial office (省开发区办): every zone side by side."""

    def steps(self) -> list[Callable[[Any], None]]:
        return [
            self.months,
            self.indicators,
            self.table,
            self.zone,
            self.enterprises,
            self.projects,
        ]

    def _zone(self) -> int:
        return int(self.rng.choice(PLAN["zones"]))

    def months(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: the zones' month (province)", PLAN["urls"]["month_zones"], p["cookie"])

    def indicators(self, client: Any) -> None:
        p = self.persona
        url = self.rng.choice(PLAN["urls"]["province_indicators"])
        _page(client, "page: indicators (province)", url, p["cookie"])

    def table(self, client: Any) -> None:
        p = self.persona
        url = self.rng.choice(PLAN["urls"]["province_table"])
        _api(client, "GET", "api: indicator table (province)", url, p["token"])

    def zone(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: a zone (province)", f"/zones/{self._zone()}/", p["cookie"])

    def enterprises(self, client: Any) -> None:
        p = self.persona
        _api(
            client,
            "GET",
            "api: enterprises of a zone (province)",
            f"/api/enterprises/?zone={self._zone()}",
            p["token"],
        )

    def projects(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: projects (province)", PLAN["urls"]["projects"], p["cookie"])


class Leader(Seat):
    """A zone's leadership (管委会领导): the zone's page, its indicators and registers."""

    def steps(self) -> list[Callable[[Any], None]]:
        return [self.zone, self.indicators, self.enterprises, self.table, self.projects]

    def zone(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: the zone (leader)", f"/zones/{p['zone']}/", p["cookie"])

    def indicators(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: indicators (leader)", p["indicator_url"], p["cookie"])

    def enterprises(self, client: Any) -> None:
        p = self.persona
        _page(client, "page: enterprises (leader)", PLAN["urls"]["enterprises"], p["cookie"])

    def table(self, client: Any) -> None:
        p = self.persona
        _api(client, "GET", "api: indicator table (leader)", p["table_url"], p["token"])

    def projects(self, client: Any) -> None:
        p = self.persona
        _api(client, "GET", "api: projects (leader)", "/api/projects/", p["token"])


SEATS: dict[str, type[Seat]] = {
    "reporter": Reporter,
    "statistician": Statistician,
    "province": Province,
    "leader": Leader,
}
TAKEN: dict[str, int] = {}


def _seat(kind: str, rng: random.Random) -> Seat:
    """The next persona of this kind (accounts are shared round-robin beyond their number)."""
    personas = PLAN["personas"][kind]
    number = TAKEN.get(kind, 0)
    TAKEN[kind] = number + 1
    return SEATS[kind](personas[number % len(personas)], rng)


class Loaded(FastHttpUser):
    """One of the loaded run's seats: a person clicking, 1–3 s between two clicks."""

    wait_time = between(*THINK_SECONDS)
    order: list[str] = []

    def on_start(self) -> None:
        number = sum(TAKEN.values())
        self.seat = _seat(Loaded.order[number], random.Random(number))
        # The first click after a think time too, as every later one: 64 people do not click in
        # the same millisecond (started together, their first 64 requests queued behind each
        # other for up to a second and a half, in every run).
        gevent.sleep(self.seat.rng.uniform(*THINK_SECONDS))

    @task
    def click(self) -> None:
        self.seat.click(self.client)


class Unloaded(FastHttpUser):
    """The same clicks by one user without think time: each click a persona's next one, the
    personas in the proportion of their seats in the loaded run (the same mix of requests)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        rng = random.Random(7)
        self.seats = {kind: _seat(kind, rng) for kind, count in PLAN["mix"].items() if count}
        self.cycle = [kind for kind, count in PLAN["mix"].items() for _n in range(count)]
        random.Random(3).shuffle(self.cycle)
        self.position = 0

    @task
    def click(self) -> None:
        kind = self.cycle[self.position % len(self.cycle)]
        self.position += 1
        self.seats[kind].click(self.client)


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    if not times:
        return 0.0
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def _timed(name: str, response_time: float, **_kwargs: Any) -> None:
    TIMES.setdefault(name, []).append(response_time)
    TIMELINE.append((time.perf_counter() - STARTED["at"], response_time))


def main(path: str, mode: str) -> None:
    with open(path, encoding="utf-8") as plan:
        PLAN.update(json.load(plan))
    POOL.extend(reversed(PLAN["pools"][mode]))
    if mode == "loaded":
        Loaded.order = [kind for kind, count in PLAN["mix"].items() for _n in range(count)]
        random.Random(5).shuffle(Loaded.order)
        user_class: type[FastHttpUser] = Loaded
        users = len(Loaded.order)
        seconds = PLAN["seconds"]
    else:
        user_class = Unloaded
        users = 1
        seconds = PLAN["unloaded_seconds" if mode == "unloaded" else "warmup_seconds"]
    user_class.host = PLAN["host"]
    environment = Environment(user_classes=[user_class])
    environment.events.request.add_listener(_timed)
    runner = environment.create_local_runner()
    started = STARTED["at"] = time.perf_counter()
    # All seats at once: the load is there from the first second.
    runner.start(users, spawn_rate=users)
    deadline = started + seconds
    while time.perf_counter() < deadline and (runner.user_count or not sum(TAKEN.values())):
        gevent.sleep(0.2)
    STOPPING.set()
    elapsed = time.perf_counter() - started
    # Each user ends with the click under way; none is cut off mid-request.
    grace = time.perf_counter() + GRACE_SECONDS
    while runner.user_count and time.perf_counter() < grace:
        gevent.sleep(0.2)
    cut_off = runner.user_count
    runner.quit()
    requests = {}
    for (name, _method), entry in sorted(environment.stats.entries.items()):
        times = TIMES.get(name, [])
        requests[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": percentile(times, 0.5),
            "p95_ms": percentile(times, 0.95),
            "max_ms": max(times, default=0.0),
        }
    total = environment.stats.total
    every = [ms for times in TIMES.values() for ms in times]
    errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    print(
        json.dumps(
            {
                "mode": mode,
                "users": users,
                "seconds": elapsed,
                "requests": total.num_requests,
                "failures": total.num_failures,
                "rps": total.num_requests / elapsed if elapsed else 0.0,
                "p50_ms": percentile(every, 0.5),
                "p95_ms": percentile(every, 0.95),
                "p99_ms": percentile(every, 0.99),
                "max_ms": max(every, default=0.0),
                "by_name": requests,
                "errors": errors,
                "submitted": SEEN["submitted"],
                "accepted": SEEN["accepted"],
                "pool_left": len(POOL),
                "pool_exhausted_cycles": EXHAUSTED["count"],
                "client_cpu_s": time.process_time(),
                "cut_off": cut_off,
                "timeline": [[round(at, 2), round(ms, 1)] for at, ms in TIMELINE],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
