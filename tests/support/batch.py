"""What the batch-mint tests (tests/contracts/test_erc7007_batch*.py) share besides fixtures: the batch size of
micro's committed batch circuit and its verifier (MicroBatch4Verifier)."""

SIZE = 4
