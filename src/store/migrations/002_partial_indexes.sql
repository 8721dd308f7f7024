-- Most index rows hold only a code or a string: date, number and display indexes need only the rows that
-- have such a value. Partial indexes make each write touch fewer index pages (measured: see docs/performance.md).
DROP INDEX IF EXISTS search_index_display;
DROP INDEX IF EXISTS search_index_date;
DROP INDEX IF EXISTS search_index_num;
CREATE INDEX search_index_display ON search_index (practice_id, resource_type, param, display) WHERE display IS NOT NULL;
CREATE INDEX search_index_date ON search_index (practice_id, resource_type, param, lo, hi) WHERE lo IS NOT NULL;
CREATE INDEX search_index_num ON search_index (practice_id, resource_type, param, num) WHERE num IS NOT NULL;
