-- A webhook receiver's answer was kept whole in the delivery log, so whatever answered at a target
-- (a local database, a cloud's metadata service) could be read back by staff. Only the status code
-- is kept now, and the answers already stored are cut to theirs. E-mail answers come from the
-- centre's own SMTP server and stay.
update notification_deliveries d set response = substring(d.response from '^[0-9]{3}')
  from notification_channels ch
 where ch.id = d.channel_id and ch.kind = 'webhook' and d.response is not null;
-- Network errors told which ports of a target were open (refused, reset, timed out); they now read
-- alike, and so do those already stored. The hub's own texts and the HTTP statuses stay.
update notification_deliveries d set error = 'the receiver did not answer'
  from notification_channels ch
 where ch.id = d.channel_id and ch.kind = 'webhook' and d.error is not null
   and d.error not like 'HTTP %'
   and d.error not in ('hub stopped before delivery', 'notification queue full');
