"""The public documents of the shared datasets as extraction samples, built in place.

An adapter, not a copy: each sample points at its document as ``$SHARED/<path>`` and takes
its labels from the dataset's own interpretation of it (Bots translator XML, EdiEngine parse
tree, node-x12 map result and test facts, Stedi guide JSON, invoice2data expected JSON),
through the expectation readers of ``exdesk.evals.extraction_eval`` — the one reading of
those files. Nothing is written to the repository. Envelope-defect checks (expected warnings)
have no place in the sample format and stay in ``extraction_eval``.

A label the source leaves empty is *not labelled* (left out), never "absent".
"""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from exdesk.domain import DocType
from exdesk.evals import extraction_eval as legacy
from exdesk.evals.formats.extraction import ExtractionSample
from exdesk.evals.shared_data import shared_dataset, shared_datasets_dir

SET_DOC_TYPES: Final[dict[str, DocType]] = {
    "850": "purchase_order",
    "855": "po_acknowledgment",
    "856": "ship_notice",
    "810": "invoice",
    "997": "functional_ack",
}
LICENCES: Final = {
    "x12-bots": "GPL-2.0",
    "x12-ediengine": "MIT",
    "x12-node-x12": "MIT",
    "x12-stedi-bootstrap": "Apache-2.0",
    "invoice2data": "MIT",
}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _labelled(values: dict[str, Any]) -> dict[str, Any]:
    """Only what the source states: empty and NaN values are not labels."""
    return {
        k: _json_value(v)
        for k, v in values.items()
        if v is not None and not (isinstance(v, float) and math.isnan(v))
    }


def _sample(
    dataset: str,
    root: Path,
    document: Path,
    doc_type: DocType,
    expected: dict[str, Any],
    suffix: str = "",
    kind: str = "x12",
) -> ExtractionSample:
    relative = document.relative_to(root).as_posix()
    lines = expected.get("lines")
    return ExtractionSample.model_validate(
        {
            "id": f"{dataset}/{relative}{suffix}",
            "document": {
                "kind": kind,
                "name": document.name,
                "path": f"$SHARED/{dataset}/{relative}",
            },
            "expected": {
                "doc_type": doc_type,
                "fields": _labelled(expected.get("fields", {})),
                **({"lines": [_labelled(line) for line in lines]} if lines is not None else {}),
            },
            "metadata": {
                "origin": dataset,
                "provenance": f"$SHARED/{dataset}/SOURCE.md",
                "licence": LICENCES[dataset],
                "layout": kind,
            },
        }
    )


def _set_of(xml: Path) -> str:
    """The transaction set a Bots XML message describes."""
    text = xml.read_text(encoding="utf-8", errors="replace")
    return "810" if "<invqua>" in text else "856" if "<delqua>" in text else "850"


def bots_samples(root: Path) -> Iterator[ExtractionSample]:
    """Bots: one sample per EDI file and document number (the first XML describing it)."""
    pairs: dict[Path, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    inbound: dict[Path, bool] = {}
    supplier = root / "supplier_version"
    with (supplier / "INDEX_input_to_output.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            produced = [
                supplier / p for p in row["output_files_with_same_document_number"].split(";")
            ]
            is_inbound = row["mapping"].startswith("850")
            for edi in [supplier / row["input_file"]] if is_inbound else produced:
                xml_files = produced if is_inbound else [supplier / row["input_file"]]
                pairs[edi][row["document_number"]].extend(xml_files)
                inbound[edi] = is_inbound
    retailer = root / "retailer_version"
    for folder in ("inbound_810", "inbound_856"):
        for xml in sorted((retailer / "outfile" / "x12_demo" / folder).glob("*.xml")):
            number = legacy._text(ElementTree.parse(xml).getroot(), "docnum") or ""
            for edi in sorted((retailer / "x12_demo" / "inbound").glob(f"{folder[-3:]}_*.x12")):
                pairs[edi][number].append(xml)
                inbound[edi] = True
    for edi, by_number in sorted(pairs.items()):
        text = edi.read_text(encoding="latin-1")
        for number, xml_files in sorted(by_number.items()):
            if f"*{number}*" not in text and f"*{number}~" not in text:
                continue  # the folder-wide pairing of the retailer's files: not this file's
            xml = xml_files[0]
            set_id = "850" if inbound[edi] and "850" in xml.name + edi.name else _set_of(xml)
            expected = legacy.bots_expectation(xml, set_id, inbound[edi])
            yield _sample("x12-bots", root, edi, SET_DOC_TYPES[set_id], expected, f"#{number}")
    acks = sorted((supplier / "outfile" / "x12_demo" / "997").glob("*.x12"))
    for path in acks:
        fields = {"fields": {"ack_status": "accepted"}}
        yield _sample("x12-bots", root, path, "functional_ack", fields)
    rejected = root / "one_on_one_samples" / "testx12001.x12.base"
    yield _sample(
        "x12-bots", root, rejected, "functional_ack", {"fields": {"ack_status": "rejected"}}
    )


def ediengine_samples(root: Path) -> Iterator[ExtractionSample]:
    """EdiEngine: the 856 parse tree and the 850 sample's PO number and total."""
    tree = json.loads((root / "856.Crossdock.OK.json").read_text(encoding="utf-8"))
    segments = list(legacy._tree_segments(tree))
    first = dict(reversed(segments))
    refs = {values[0]: values[1] for name, values in segments if name == "REF"}
    items = [
        (values[2], next(v for n, v in segments[i:] if n == "SN1")[1])
        for i, (name, values) in enumerate(segments)
        if name == "LIN"
    ]
    day = first["DTM"][1]
    expected = {
        "fields": {
            "shipment_id": first["BSN"][1],
            "ship_date": f"{day[:4]}-{day[4:6]}-{day[6:]}",
            "bill_of_lading_number": refs["BM"],
            "tracking_number": refs["CN"],
            "carrier": first["TD5"][2],
            "po_number": first["PRF"][0],
        },
        "lines": [{"gtin": gtin, "qty": float(qty)} for gtin, qty in items],
    }
    yield _sample("x12-ediengine", root, root / "856.Crossdock.OK.edi", "ship_notice", expected)
    yield _sample(
        "x12-ediengine",
        root,
        root / "850.OK.edi",
        "purchase_order",
        {"fields": {"po_number": "08292233294", "total_amount": "13045.94"}},
    )


def node_x12_samples(root: Path) -> Iterator[ExtractionSample]:
    """node-x12: the 850 map result (three renderings) and the 856 facts its tests assert."""
    result = json.loads((root / "850_map_result.json").read_text(encoding="utf-8"))
    for name in ("850.edi", "850_2.edi", "850_fat.edi"):
        expected = {
            "fields": {
                "po_number": result["OrderNumber"],
                "ship_to_name": result["ShipTo"]["Name"],
            },
            "lines": [{"qty": float(line["Quantity"])} for line in result["OrderLines"]],
        }
        yield _sample("x12-node-x12", root, root / name, "purchase_order", expected)
    notice = {
        "fields": {"bill_of_lading_number": "999999-001", "po_number": "99999817"},
        "lines": [{"qty": 24.0}, {"qty": 6.0}],
    }
    yield _sample("x12-node-x12", root, root / "856.edi", "ship_notice", notice)


def stedi_samples(root: Path) -> Iterator[ExtractionSample]:
    """Stedi bootstrap: the 850 and 855 against their guide JSON."""
    pairs: tuple[tuple[str, str, DocType], ...] = (
        ("850_input.edi", "850_outbound.json", "purchase_order"),
        ("855_inbound.edi", "855_outbound.json", "po_acknowledgment"),
    )
    for edi, guide, doc_type in pairs:
        payload = json.loads((root / guide).read_text(encoding="utf-8"))["payload"]
        beginning = next(
            v for k, v in payload["heading"].items() if k.startswith("beginning_segment")
        )
        lines = []
        for loop in payload["detail"]["baseline_item_data_PO1_loop"]:
            po1 = loop["baseline_item_data_PO1"]
            pid = loop["product_item_description_PID_loop"][0]["product_item_description_PID"]
            lines.append(
                {
                    "qty": float(po1["quantity_02"]),
                    "unit_price": str(po1["unit_price_04"]),
                    "sku": po1["product_service_id_07"],
                    "buyer_sku": po1["product_service_id_09"],
                    "description": pid["description_05"],
                    "uom": po1["unit_or_basis_for_measurement_code_03"],
                }
            )
        fields = {"po_number": beginning["purchase_order_number_03"]}
        if "date_05" in beginning:
            fields["document_date"] = beginning["date_05"]
        yield _sample(
            "x12-stedi-bootstrap", root, root / edi, doc_type, {"fields": fields, "lines": lines}
        )


def invoice2data_samples(root: Path) -> Iterator[ExtractionSample]:
    """invoice2data: the text invoices with their expected JSON (PDFs need a PDF engine)."""
    for path in sorted([*(root / "custom").glob("*.txt"), *(root / "compare").glob("*.txt")]):
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))[0]
        expected = legacy._invoice_expectation(data, path.stem)
        yield _sample("invoice2data", root, path, "invoice", expected, kind="text")


READERS = (
    ("x12-bots", bots_samples),
    ("x12-ediengine", ediengine_samples),
    ("x12-node-x12", node_x12_samples),
    ("x12-stedi-bootstrap", stedi_samples),
    ("invoice2data", invoice2data_samples),
)


def shared_samples() -> tuple[list[tuple[ExtractionSample, Path]], str | None]:
    """Every shared sample (paired with a base folder for relative paths), and a note when
    the shared datasets are absent."""
    if shared_datasets_dir() is None:
        return [], "shared datasets absent (set EXDESK_SHARED_DATASETS): public documents skipped"
    samples: list[tuple[ExtractionSample, Path]] = []
    missing = []
    for name, reader in READERS:
        folder = shared_dataset(name)
        if folder is None:
            missing.append(name)
            continue
        samples += [(sample, folder) for sample in reader(folder)]
    return samples, (f"shared datasets absent: {', '.join(missing)}" if missing else None)
