"""The application service: what the API and the CLI both call, one way to do each thing."""

from exdesk.service.desk import CasePage, ExceptionDesk

__all__ = ["CasePage", "ExceptionDesk"]
