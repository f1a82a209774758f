"""Reads of enterprises and of the industry table; every business read starts from for_user."""

from django.db.models import Count, Q, QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory

INDUSTRY_SEARCH_LIMIT = 20


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises the user can see, with what a list row shows joined in."""
    return Enterprise.objects.for_user(user).select_related("industry", "zone", "park")


def enterprise_detail(*, user: User) -> QuerySet[Enterprise]:
    """As the list, with the whole industry path (class › group › division › section) joined."""
    return Enterprise.objects.for_user(user).select_related(
        "industry__parent__parent__parent", "zone", "park"
    )


def industry_path(industry: IndustryClass) -> list[IndustryClass]:
    """Section first, class last; the parents must already be loaded (see enterprise_detail)."""
    path = []
    node: IndustryClass | None = industry
    while node is not None:
        path.append(node)
        node = node.parent
    return list(reversed(path))


def industry_search(*, query: str, limit: int = INDUSTRY_SEARCH_LIMIT) -> QuerySet[IndustryClass]:
    """4-digit classes whose code starts with the digits typed, or whose name contains the text.

    A picked entry reads '3011 水泥制造', so a leading code is taken from it on its own.
    """
    text = query.strip()
    classes = IndustryClass.objects.filter(level=IndustryLevel.CLASS)
    if not text:
        return classes.none()
    head = text.split()[0]
    if head.isdigit():
        return classes.filter(code__startswith=head)[:limit]
    return classes.filter(Q(name__icontains=text) | Q(code__startswith=text))[:limit]


def industry_by_code(code: str) -> IndustryClass | None:
    return IndustryClass.objects.filter(code=code.strip()).first()


def roster_list(*, user: User) -> QuerySet[RosterEntry]:
    """Roster entries the user can see, with the enterprise and its park joined in."""
    return RosterEntry.objects.for_user(user).select_related("enterprise__park", "enterprise__zone")


def roster_counts(*, entries: QuerySet[RosterEntry]) -> list[tuple[str, int]]:
    """How many entries of each category, in the order of the categories (those with any)."""
    counts = dict(
        entries.order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    return [(str(label), counts[value]) for value, label in StatCategory.choices if value in counts]
