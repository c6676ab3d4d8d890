"""Which registry implementation answers: the local tables by default, HTTP when a URL is set."""

from __future__ import annotations

from django.conf import settings

from motcua.registries.adapters.base import BusinessRegistry, DocumentStore, PopulationRegistry


def _http_options() -> dict:
    return {"token": settings.REGISTRY_TOKEN, "timeout": settings.REGISTRY_TIMEOUT}


def population_registry() -> PopulationRegistry:
    if settings.REGISTRY_POPULATION_URL:
        from motcua.registries.adapters.http import HttpPopulationRegistry

        return HttpPopulationRegistry(base_url=settings.REGISTRY_POPULATION_URL, **_http_options())
    from motcua.registries.adapters.local import LocalPopulationRegistry

    return LocalPopulationRegistry()


def business_registry() -> BusinessRegistry:
    if settings.REGISTRY_BUSINESS_URL:
        from motcua.registries.adapters.http import HttpBusinessRegistry

        return HttpBusinessRegistry(base_url=settings.REGISTRY_BUSINESS_URL, **_http_options())
    from motcua.registries.adapters.local import LocalBusinessRegistry

    return LocalBusinessRegistry()


def document_store() -> DocumentStore:
    if settings.REGISTRY_DOCUMENT_STORE_URL:
        from motcua.registries.adapters.http import HttpDocumentStore

        return HttpDocumentStore(base_url=settings.REGISTRY_DOCUMENT_STORE_URL, **_http_options())
    from motcua.registries.adapters.local import LocalDocumentStore

    return LocalDocumentStore()
