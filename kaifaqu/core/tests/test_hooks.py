"""A hook calls its receivers in order, with the keyword arguments it is fired with, once each."""

from typing import Any

from kaifaqu.core.hooks import Hook


def test_a_hook_calls_each_receiver_once_in_order_with_its_arguments() -> None:
    hook = Hook("test")
    calls: list[tuple[str, dict[str, Any]]] = []

    def first(**kwargs: Any) -> None:
        calls.append(("first", kwargs))

    def second(**kwargs: Any) -> None:
        calls.append(("second", kwargs))

    hook.register(first)
    hook.register(second)
    hook.register(first)  # again: still once
    hook.fire(zone_ids=[1])
    assert calls == [("first", {"zone_ids": [1]}), ("second", {"zone_ids": [1]})]
    hook.unregister(first)
    assert hook.receivers == (second,)


def test_a_hook_without_receivers_does_nothing() -> None:
    Hook("empty").fire(anything=1)
