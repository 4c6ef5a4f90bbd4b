-- Floor of W3 on the store: issued, not cancelled libretti by area and office, the fine table
-- behind statistics { libretti { byArea } } for the reporting role (areas are published as sums
-- over (area, office) cells, so that complementary suppression covers both; issue 19 §4).
SELECT area AS k, office AS o, COUNT(*) AS n, COUNT(*) AS p FROM libretto WHERE issued_at IS NOT NULL AND status <> 'CANCELLED' GROUP BY k, o;
