"""Talking to a Sippy switch: settings, the connection and the typed client.

This layer imports no textual, so it can serve scripts and tests as well as
the dashboard.
"""

from trunktui.api.client import AuditSink, SippyClient
from trunktui.api.connection import ConnectionSettings, check_connection_settings, normalize_url

__all__ = ["AuditSink", "ConnectionSettings", "SippyClient", "check_connection_settings", "normalize_url"]
