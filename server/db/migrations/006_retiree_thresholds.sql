-- A retiree's own SpO2 limit (e.g. a COPD patient whose usual saturation is lower); null: the centre's.
alter table retirees add column spo2_low integer check (spo2_low between 50 and 99);
alter table retirees add column updated_by uuid references users (id);
