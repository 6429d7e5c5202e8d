"""Processes that start together — an API and its workers — migrate and grant in turn."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from exdesk.store.database import DatabaseUrls
from exdesk.store.migrate import migrate_database
from tests.support.postgres import owner_url


def test_many_processes_starting_at_once_all_start(database_url: str) -> None:
    urls = DatabaseUrls(application=database_url, migration=owner_url(database_url))

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda _: migrate_database(urls), range(24)))

    assert results == [[]] * 24, "the database was migrated already: each start grants only"
