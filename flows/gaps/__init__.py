"""Gap rating, by concern: statistics (pure maths), aggregation (the SQL reads), ratings
(validating and saving answers), form (the paged rating form), rounds, results, progress and
nudges. Import from the module that holds a name; this package exports nothing."""

# The board's rating figures register when gap rating is first used, in the same order
# among the features' figures as before the split.
from flows.gaps import progress as _progress  # noqa: F401
