"""A tiny client of Comptoir's JSON API, standard library only (shared by the examples).

    api = Api("http://127.0.0.1:8000")
    api.log_in("client@demo.comptoir.fr", "comptoir-demo")
    api.get("/cities")
    for event, data in api.events("/orders/K7QF-3M2X/events"):
        ...

Errors come back as `ApiError` carrying the API's problem+json body (its
`code` is stable: `out_of_stock`, `slot_full`, `not_authenticated`…).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"
PREFIX = "/api/v1"


class ApiError(Exception):
    """A 4xx/5xx answer; `problem` is its problem+json body (or {} if it had none)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.code = str(problem.get("code", ""))
        super().__init__(f"{status} {self.code}: {problem.get('detail', '')}".strip())


class Api:
    def __init__(self, base_url: str, *, language: str = "en") -> None:
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.token: str | None = None

    # -- plain requests (urllib.request) ---------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        url = self.base_url + PREFIX + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"Not an http(s) URL: {self.base_url}")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - checked
        request.add_header("Accept", "application/json")
        request.add_header("Accept-Language", self.language)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                problem = json.loads(raw) if raw else {}
            except ValueError:
                problem = {"detail": raw[:200].decode(errors="replace")}
            raise ApiError(error.code, problem) from None
        return json.loads(raw) if raw else None

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, query=query or None)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.request("POST", path, {} if body is None else body, headers=headers)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def log_in(self, email: str, password: str, *, shop_id: int | None = None) -> dict[str, Any]:
        """Get a token (a shop's if `shop_id` is given) and use it from now on."""
        body: dict[str, Any] = {"email": email, "password": password, "name": "examples/"}
        if shop_id is not None:
            body["shop_id"] = shop_id
        issued: dict[str, Any] = self.request("POST", "/auth/tokens", body)
        self.token = issued["token"]
        return issued

    def log_out(self) -> None:
        """Revoke the token in use (`DELETE /auth/tokens/current`)."""
        if self.token:
            self.delete("/auth/tokens/current")
            self.token = None

    # -- Server-Sent Events (http.client) ---------------------------------------------

    def events(self, path: str, *, deadline: float) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event, data) of a live stream until `deadline` (time.monotonic()).

        Reconnects when the connection drops, after the server's `retry:`
        delay: the stream's first event, `hello`, then carries the state to
        start again from, so nothing is missed. A refusal (401, 403, 404)
        raises `ApiError`.
        """
        retry = 2.0
        while time.monotonic() < deadline:
            try:
                for event, data, retry_ms in self._one_stream(path, deadline):
                    if retry_ms is not None:
                        retry = retry_ms / 1000
                    else:
                        yield event, data
            except (OSError, http.client.HTTPException):
                pass  # dropped: reconnect below
            time.sleep(min(retry, max(0.0, deadline - time.monotonic())))

    def _one_stream(
        self, path: str, deadline: float
    ) -> Iterator[tuple[str, dict[str, Any], int | None]]:
        data_lines: list[str]
        parts = urllib.parse.urlsplit(self.base_url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        # The server sends `: ping` every few seconds: a silent minute means a dead line.
        connection = connection_class(parts.netloc, timeout=60)
        try:
            connection.request(
                "GET",
                parts.path.rstrip("/") + PREFIX + path,
                headers={
                    "Accept": "text/event-stream",
                    "Accept-Language": self.language,
                    "Authorization": f"Bearer {self.token}",
                },
            )
            response = connection.getresponse()
            if response.status != 200:
                raw = response.read()
                raise ApiError(response.status, json.loads(raw) if raw else {})
            event, data_lines = "message", []  # the block being read
            while time.monotonic() < deadline:
                raw_line = response.readline()
                if not raw_line:
                    return  # the server closed the stream
                line = raw_line.decode().rstrip("\r\n")
                if line == "":
                    if data_lines:
                        yield event, json.loads("\n".join(data_lines)), None
                    event, data_lines = "message", []
                elif line.startswith(":"):
                    continue  # a heartbeat comment
                else:
                    field, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if field == "event":
                        event = value
                    elif field == "data":
                        data_lines.append(value)
                    elif field == "retry" and value.isdigit():
                        yield "", {}, int(value)
        finally:
            connection.close()
