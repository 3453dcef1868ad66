"""Talking to a Sippy switch: settings, the connection and the typed client.

This layer imports no textual, so it can serve scripts and tests as well as
the dashboard.
"""

from trunktui.api.client import AuditSink, SippyClient
from trunktui.api.connection import ConnectionSettings, normalize_url

__all__ = ["AuditSink", "ConnectionSettings", "SippyClient", "normalize_url"]
