"""KPIs: /workshop kpi|kpis, the record and define modals, the KPI table post, Block Kit and the
trend chart."""
