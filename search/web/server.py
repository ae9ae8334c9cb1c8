"""Running the web app: a listening socket, then uvicorn until interrupted."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import ServeError
from .app import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def listen(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> socket.socket:
    """A socket listening on ``host:port`` (port 0: any free port); raises
    :class:`~search.errors.ServeError` when the address cannot be used."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.create_server((host, port), family=family, reuse_port=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    """The address a browser opens for a listening socket."""
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def serve(
    index_dir: str | os.PathLike | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the index in ``index_dir`` on ``host:port`` until interrupted.

    ``ready`` is called with the server's address once it listens.  Raises
    :class:`~search.errors.IndexNotFoundError` or :class:`~search.errors.ServeError`
    before serving when the index or the address cannot be used.
    """
    import uvicorn

    app = create_app(Path(index_dir) if index_dir is not None else None)
    sock = listen(host, port)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        # bounded: at most this many requests in progress, headers at most 16 KiB
        limit_concurrency=64,
        h11_max_incomplete_event_size=16 * 1024,
        timeout_keep_alive=5,
    )
    server = uvicorn.Server(config)
    if ready is not None:
        ready(url_of(sock))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.index.close()
