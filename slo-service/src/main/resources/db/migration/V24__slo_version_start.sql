-- Where a new SLO's versions start (SloDefinitions.firstVersion): each create 2^20 edits past the one before, so a PUT
-- made from a read of a deleted SLO (its version) is refused as stale by the SLO made again under its name, which
-- started again at version 0 and took it. Existing SLOs keep their versions, all far below the first start.
create sequence slo_version_start;
