"""Semi-structured text documents: labels, dates, amounts, line tables and totals."""

from exdesk.agents.document_extractor.text.reader import read_text

__all__ = ["read_text"]
