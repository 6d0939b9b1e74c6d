"""Benchmarks: how fast and how big the bot is, each figure beside a floor measured in the same
run on the same machine, so the ratio means something wherever it is run.

    uv run python -m benchmarks [--quick] [--database postgresql://...] [--out benchmark-results/]

- `votes` (vote_latency.py): vote clicks through the signed HTTP endpoint, against a bare Bolt
  app that only acks.
- `summary` (summary_size.py): gap results and the digest of a big workshop, against one raw SQL
  aggregate over the same ratings.
- `fanout` (digest_fanout.py): a thousand digests due in the same minute through a rate-limited
  Slack, against the minimum the rate limit allows.
- `memory` (memory.py): resident memory of `workshop-bot serve --http`, idle and after the vote
  load, against the bare Bolt app's.

This package's `__init__` stays import-free: the load generator's child process imports
`benchmarks.load`, and must not pay for the bot's imports.
"""
