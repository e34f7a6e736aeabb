"""Network guard for the offline tests: any connection to a non-loopback address fails and is logged.

Put this folder on PYTHONPATH and set ``LODGER_NETGUARD_LOG`` to a file: Python then imports this
module at start-up (``site`` imports ``sitecustomize``), before any library. Every ``connect``,
``connect_ex`` and ``sendto`` on an internet socket, every ``getaddrinfo``/``gethostbyname`` of a
name that is not loopback, is written to the log as one JSON line (with the stack) and then
refused with ``OSError(ENETUNREACH)``, loudly. At exit the process also writes the offline
switches it ended up with, so that a test can check the app set them itself. Native code
(Rust, C++) that opens sockets without Python is not seen here; the test adds strace for that.
"""

from __future__ import annotations

import atexit
import errno
import ipaddress
import json
import os
import socket
import sys
import traceback

LOG = os.environ.get("LODGER_NETGUARD_LOG", "")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
            "HF_HUB_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY", "ORT_DISABLE_TELEMETRY")


def _write(record: dict) -> None:
    record["pid"] = os.getpid()
    record["argv"] = sys.argv[:3]
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def _is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, used for binding
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower().split("%")[0]
    if name in LOOPBACK_NAMES or name == "":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name that is not loopback


def _refuse(call: str, target: object) -> None:
    _write({"kind": "attempt", "call": call, "target": repr(target),
            "stack": traceback.format_stack(limit=15)[:-2]})
    raise OSError(errno.ENETUNREACH, f"network disabled by the Lodger offline test: {call} "
                  f"to {target!r}")


def _guard_address(call: str, sock: socket.socket, address: object) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        if not _is_loopback(address[0]):
            _refuse(call, address)


def _install() -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex

    def connect(self, address):  # noqa: ANN001, ANN202
        _guard_address("connect", self, address)
        return real_connect(self, address)

    def connect_ex(self, address):  # noqa: ANN001, ANN202
        _guard_address("connect_ex", self, address)
        return real_connect_ex(self, address)

    def sendto(self, data, *args):  # noqa: ANN001, ANN002, ANN202
        if args:
            _guard_address("sendto", self, args[-1])
        return real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not _is_loopback(host):
            _refuse("getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):  # noqa: ANN001, ANN202
        if not _is_loopback(host):
            _refuse("gethostbyname", host)
        return real_gethostbyname(host)

    def gethostbyname_ex(host):  # noqa: ANN001, ANN202
        if not _is_loopback(host):
            _refuse("gethostbyname_ex", host)
        return real_gethostbyname_ex(host)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex


def _report_switches() -> None:
    """What the process ended with: environment switches and the libraries' own view."""
    record: dict = {"kind": "exit", "env": {k: os.environ.get(k) for k in SWITCHES},
                    "modules": sorted(m for m in ("chromadb", "huggingface_hub", "transformers",
                                                  "torch", "llama_cpp", "PySide6", "onnxruntime")
                                      if m in sys.modules)}
    if "huggingface_hub" in sys.modules:
        try:
            from huggingface_hub import constants

            record["hf_hub_offline"] = bool(constants.HF_HUB_OFFLINE)
        except Exception as exc:  # report, never break the exit
            record["hf_hub_offline"] = f"error: {exc}"
    if "transformers" in sys.modules:
        try:
            try:
                from transformers.utils.hub import is_offline_mode
            except ImportError:
                from transformers.utils import is_offline_mode

            record["transformers_offline"] = bool(is_offline_mode())
        except Exception as exc:
            record["transformers_offline"] = f"error: {exc}"
    if "chromadb" in sys.modules:
        try:
            from chromadb.config import Settings

            record["chromadb_telemetry"] = bool(Settings().anonymized_telemetry)
        except Exception as exc:
            record["chromadb_telemetry"] = f"error: {exc}"
    _write(record)


if LOG:
    _install()
    atexit.register(_report_switches)
