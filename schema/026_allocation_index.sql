-- 026_allocation_index.sql - the units allocation chooses from
-- (docs/distribution.md, "Allocation"): the released units of a family and
-- ABO/RhD group in the order they expire, with their product in the index
-- itself. Partial: only the units on the shelf are in it, so allocation
-- reads as many entries as it considers, however many units the company
-- ever made, and no table row. (units_expiry, by status and expiry over
-- every family, had the allocation walk the other families' units and
-- read each one's row.)
CREATE INDEX units_allocatable ON units (family, abo, rhd, expires_at, id, product_code, status)
    WHERE status = 'released';
