"""Contracts of the delivery channels. Each returns a provider reference or raises DeliveryError."""

from __future__ import annotations

from typing import Protocol


class DeliveryError(Exception):
    """The gateway refused or failed; the worker retries with backoff."""


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> str: ...


class EmailSender(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> str: ...
