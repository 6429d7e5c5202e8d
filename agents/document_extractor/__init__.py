"""The document extractor agent: reads X12, EDIFACT, text and PDF documents into a
DocumentExtraction.

``LocalDocumentExtractor`` is the deterministic engine (no network, no model).
"""

from exdesk.agents.document_extractor.contract import DocumentExtractor, ExtractionRequest
from exdesk.agents.document_extractor.local import LocalDocumentExtractor, read_document

__all__ = ["DocumentExtractor", "ExtractionRequest", "LocalDocumentExtractor", "read_document"]
