alter table lock_drill_data.busy add column added_by_migration int;
