-- Which SLO of a name this is: a replica that evaluates an SLO learns of an edit, a delete or a re-create made on
-- another replica only by comparing what it holds with the stored row at its tick. A re-created SLO starts again at
-- version 0, so the version alone could not tell it from the deleted one (old sums, old team, an alert believed to
-- fire): the generation is new with every create.
create sequence slo_generation;
alter table slo add column generation bigint not null default nextval('slo_generation');
