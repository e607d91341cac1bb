-- A family's shared goal keeps its family-wide id (g-xxxxxxxx) beside its local row, so
-- that a sync updates it in place: its row id, and the user's pause, stay.
ALTER TABLE goals ADD COLUMN shared_id TEXT;
CREATE UNIQUE INDEX goals_shared_id ON goals (shared_id) WHERE shared_id IS NOT NULL;
