-- A caseworker works for one station (站点) and sees its retirees; null: the whole centre.
alter table users add column station text;

-- 孤老 is one fact with one home: the archive's living situation. The visits module's flag becomes a
-- column derived from it, so the two can never disagree.
update retirees set living_situation = 'alone' where solitary and living_situation <> 'alone';
alter table retirees drop column solitary;
alter table retirees add column solitary boolean generated always as (living_situation = 'alone') stored;
