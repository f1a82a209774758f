import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REQUEST_ID_META = "HTTP_X_REQUEST_ID"


class RequestIdMiddleware:
    """Give every request an id, echoed in the response and stored with its audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(REQUEST_ID_META, "")
        request_id = (
            incoming if 8 <= len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex
        )
        request.META[REQUEST_ID_META] = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
