-- Omocodia floor of W2 on one source database: the W2 SELECTs for every spelling of the
-- 50 consecutive codes (8 per citizen, bench/floor/spellings.py), bench_spellings50 holding them
-- as one array per first code.
\set i random(1, :ncodes - 49)
SELECT fiscal_code, given_name, family_name, birth_date, birth_place_code, gender, citizenship, residence_municipality, residence_province, email, phone, cpi_code, did_date, updated_at FROM gw_person WHERE fiscal_code = ANY((SELECT spellings FROM bench_spellings50 WHERE n = :i)::bpchar[]);
SELECT id, fiscal_code, employer_tax_code, employer_name, start_date, end_date, contract_type, occupation_code, sector_code, weekly_hours, workplace_municipality FROM gw_employment WHERE fiscal_code = ANY((SELECT spellings FROM bench_spellings50 WHERE n = :i)::bpchar[]);
SELECT id, fiscal_code, kind, title, provider_name, start_date, end_date, hours, outcome, qualification_code, eqf_level FROM gw_training WHERE fiscal_code = ANY((SELECT spellings FROM bench_spellings50 WHERE n = :i)::bpchar[]);
