"""Customers' own voice beside the team's, by concern: figures (pure maths: samples, Welch's
t-test, blind spots), importing (CSV and pasted answers, matched to the journey) and reports
(the figures of a workshop, read from the database). Import from the module that holds a name."""
