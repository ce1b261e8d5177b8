-- welfare-store schema version 2 (SQLite). Never edit once released: add a new version.

-- Every case of a person, open or closed (CaseStore::cases_of): the record reads of an
-- operator related to a person through a case load only that person's cases. Since version 1
-- every append keeps `case_persons` (one row per opened case, never deleted), so the index is
-- built from the rows already there: an upgraded database needs no replay of its events.
CREATE INDEX case_persons_by_person ON case_persons (tenant, person_id, case_id);
