-- The optional Prometheus section of an SLO: the error and total PromQL queries (Sloth's {{.window}} template in
-- each) from which GET /api/slos/{name}/prometheus-rules renders recording and alert rules. Both or neither.
alter table slo add column prometheus_error_query varchar(4000);
alter table slo add column prometheus_total_query varchar(4000);
alter table slo add constraint slo_prometheus_both_or_neither
    check ((prometheus_error_query is null) = (prometheus_total_query is null));
