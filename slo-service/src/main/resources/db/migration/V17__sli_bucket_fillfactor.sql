-- A bucket is updated far more often than it is inserted (every batch that counts its minute adds to it). Room left
-- in each page lets PostgreSQL write the new row version beside the old one (a HOT update) instead of adding an
-- entry to the primary key's index for every update. Pages written from now on keep 30 % free.
alter table sli_bucket set (fillfactor = 70);
