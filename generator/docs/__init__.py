"""Documentation drift: compare saved vendor pages with the specs written from them.

`python -m generator docs check` (`make check-docs`) reads each API's `docs/pages.yaml`,
parses the pages it names with their layout's parser, walks the spec, and reports every
difference, grouped by API and operation; then, when the API's official SDK is installed,
the differences between the spec and the SDK's model classes (`sdk/`).

| module | job |
|---|---|
| `model.py` | what a page says, and what a difference is: frozen dataclasses |
| `source.py` | a page's text and its lines; JSON and XML blocks; errors with their line |
| `prose.py` | facts stated in words: defaults, ranges, enums, length limits |
| `layouts/` | one parser per page layout, behind one interface (`layouts.Layout`) |
| `mapping.py` | `specs/<api>/docs/pages.yaml`: which operations a page documents, what is accepted |
| `spec_field.py` | a field as the spec states it (what JSON schemas and XSD elements become) |
| `spec_view.py` | an OpenAPI operation as the same kind of field tree a page gives |
| `xsd_view.py` | XML bodies through the spec's XSD: their fields, and XML examples validated |
| `compare.py` | page tables against the spec's fields |
| `examples.py` | page examples against the spec's schemas |
| `check.py` | the order of the steps, and accepted differences |
| `report.py` | the text and the JSON report |
| `sdk/` | the official SDKs' model classes against the spec: one reader per SDK style |
"""
