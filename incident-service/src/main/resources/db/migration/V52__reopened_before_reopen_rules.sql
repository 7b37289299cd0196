-- Incidents reopened before this version kept what a reopen now undoes (ReopenedWashups, ReopenedWaivers): a washup
-- reviewed before the latest reopen goes back to draft, and a waiver proposed before it is void, each said on the
-- timeline as the services say it. A reopen is a STATUS_CHANGED entry from RESOLVED to FIXING (its data as Jackson
-- writes it: from, then to).
create temporary table latest_reopen on commit drop as
select t.incident_id, max(t.recorded_at) as reopened_at from timeline_entry t join incident i on i.id = t.incident_id
where t.kind = 'STATUS_CHANGED' and t.data like '{"from":"RESOLVED","to":"FIXING"%'
  and i.status <> 'FINALISED' -- a finalised incident stays the record it was finalised as
group by t.incident_id;

insert into timeline_entry (incident_id, at, kind, phase, actor, text, data, recorded_at)
select w.incident_id, now(), 'WASHUP_REOPENED', 'FINALISE', 'daff-washup',
       'Washup back to draft: the incident was reopened after ' || coalesce(w.reviewed_by, 'someone') || ' reviewed it at '
           || to_char(w.reviewed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           || '; review it again, saying why the fix did not hold (whyFixDidNotHold)',
       json_build_object('reviewedAt', w.reviewed_at, 'reviewedBy', w.reviewed_by,
           'reviewers', coalesce((select json_agg(r.name order by r.position) from washup_reviewer r
                                  where r.incident_id = w.incident_id), '[]'::json),
           'whyFixDidNotHold', w.why_fix_did_not_hold)::text,
       now()
from washup w join latest_reopen l on l.incident_id = w.incident_id
where w.status = 'REVIEWED' and w.reviewed_at < l.reopened_at;

delete from washup_reviewer r using washup w, latest_reopen l
where r.incident_id = w.incident_id and l.incident_id = w.incident_id
  and w.status = 'REVIEWED' and w.reviewed_at < l.reopened_at;

update washup w set status = 'DRAFT', reviewed_at = null, reviewed_by = null, reviewed_by_subject = null,
                    why_fix_did_not_hold = null, reopened_at = l.reopened_at, version = w.version + 1
from latest_reopen l
where l.incident_id = w.incident_id and w.status = 'REVIEWED' and w.reviewed_at < l.reopened_at;

insert into timeline_entry (incident_id, at, kind, phase, actor, text, data, recorded_at)
select f.incident_id, now(), 'FINALISATION_WAIVER_VOIDED', 'FINALISE', 'daff-finalisation-gate',
       'Finalisation waiver voided: the incident was reopened. The waiver proposed by ' || f.waiver_recorded_by || ' ('
           || case when f.waiver_approved_at is null then 'pending' else 'approved by ' || f.waiver_approved_by end
           || ') judged it as it was resolved; propose a new one once it is resolved again if the conditions should'
           || ' still be waived. It said: ' || left(f.waiver_reason, 3500),
       json_build_object('reason', f.waiver_reason, 'proposedBy', f.waiver_recorded_by,
           'proposedBySubject', f.waiver_recorded_by_subject, 'approvedBy', f.waiver_approved_by,
           'approvedBySubject', f.waiver_approved_by_subject)::text,
       now()
from finalisation f join latest_reopen l on l.incident_id = f.incident_id
where f.waiver_recorded_at < l.reopened_at;

update finalisation f set waiver_reason = null, waiver_recorded_by = null, waiver_recorded_by_subject = null,
                          waiver_recorded_at = null, waiver_approved_by = null, waiver_approved_by_subject = null,
                          waiver_approved_at = null
from latest_reopen l
where l.incident_id = f.incident_id and f.waiver_recorded_at < l.reopened_at;

-- Whatever made these finalisable, a washup that is not reviewed keeps them from it now (a finalise asks the gate
-- again in any case; this is what views and lists show until it next looks).
update finalisation f set finalisable = false, ready_since = null
from washup w
where w.incident_id = f.incident_id and f.finalisable and w.status <> 'REVIEWED' and f.waiver_recorded_at is null;
