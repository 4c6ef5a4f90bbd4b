-- Floor of W3 on the store: issued, not cancelled libretti by area, the GROUP BY behind
-- statistics { libretti { byArea } }.
SELECT area AS k, COUNT(*) AS n FROM libretto WHERE issued_at IS NOT NULL AND status <> 'CANCELLED' GROUP BY k;
