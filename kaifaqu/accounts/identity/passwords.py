# TEMPORARY until branch `identity` merges (replaced by its module of the same name).
from typing import Any


def password_change_require(user: Any) -> None:
    return None
