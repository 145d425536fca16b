"""The webhook receiving route: ``POST /webhooks/<token>`` (no session, no CSRF: signed).

Thin: the body is read only when small enough, then handed to the orders service.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crossdock.hub.orders.webhooks import MAX_BODY, receive_delivery


@csrf_exempt
@require_POST
def receive(request: HttpRequest, token: str) -> JsonResponse:
    declared = request.headers.get("Content-Length", "")
    if not declared.isdigit():
        return JsonResponse({"error": "a Content-Length header is required"}, status=411)
    if int(declared) > MAX_BODY:
        return JsonResponse({"error": f"the body is over {MAX_BODY} bytes"}, status=413)
    receipt = receive_delivery(token, dict(request.headers), request.body)
    key = "error" if receipt.status >= 400 else "status"
    return JsonResponse({key: receipt.message}, status=receipt.status)
