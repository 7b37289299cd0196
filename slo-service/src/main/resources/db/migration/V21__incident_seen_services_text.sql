-- An incident's services as a JSON array of any length: joined with commas into varchar(2000), twenty names of 100
-- characters did not fit (the IncidentOpened event was dead-lettered and never counted), and a name with a comma
-- was read back as two. Rows from before stay comma-joined; they are read as before.
alter table incident_seen alter column services type text;
