-- Which ISO weeks' reports have gone out: the week's run is checked for every few minutes once its time has come,
-- so a database away at that moment delays the reports instead of losing them, and this row makes it once.
create table weekly_report_run (
    week    varchar(8)  primary key,
    sent_at timestamptz not null
);
