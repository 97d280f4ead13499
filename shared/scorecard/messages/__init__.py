"""Bodies of the SQS messages between the producers and the workers (one schema, both sides).

One module per queue family, so that a function builds the message classes it sends or receives and
no others (bench cold_import_vs_floor): `batches` (the daily and monthly fan-outs), `backtests`,
`notifications`.
"""
