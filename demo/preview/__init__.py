"""An HTML page of what the team saw in Slack during the demo, drawn the way Slack draws Block Kit.

`mrkdwn` and `blockkit` turn Slack text and blocks into HTML, `timeline` orders what the stand-in
recorded into entries, `page` draws them, `record` collects them from a demo run and writes the
page.
"""
