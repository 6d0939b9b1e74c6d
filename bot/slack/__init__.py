"""Slack plumbing shared by every feature: ids, acks, after-ack work, retries, pacing,
middleware, replies, view state, Block Kit and mrkdwn helpers, clients and OAuth."""
