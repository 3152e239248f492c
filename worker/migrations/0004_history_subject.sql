-- What a history entry is about (a code, a user code), so the console can say the entry in the
-- reader's language; `summary` stays the English sentence.
ALTER TABLE history ADD COLUMN subject TEXT;
