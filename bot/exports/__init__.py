"""/workshop export: the report and CSV files, uploaded in the board's thread."""
