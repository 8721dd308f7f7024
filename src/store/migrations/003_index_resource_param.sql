-- One index serves deleting a resource's rows and probing "does this resource have a value for param"
-- (:missing, :not, sort keys): (practice, type, resource, param).
DROP INDEX IF EXISTS search_index_resource;
CREATE INDEX search_index_resource ON search_index (practice_id, resource_type, resource_id, param);
