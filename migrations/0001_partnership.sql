-- The partnership as data: each entry of the partnership files, versioned in system time.
-- An entry's own effective dates (when an organisation existed, when a delegation was in force) live in its
-- content; recorded_from/recorded_to say when Accord held that version, so history is never overwritten.

CREATE TABLE partnership (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row for each load that changed something: which files, with what content (sha-256 of each file).
CREATE TABLE partnership_load (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  source_dir text NOT NULL,
  file_hashes jsonb NOT NULL,
  changed_files text[] NOT NULL,
  added integer NOT NULL,
  changed integer NOT NULL,
  removed integer NOT NULL
);

CREATE TABLE partnership_entry (
  partnership_id text NOT NULL REFERENCES partnership (id),
  kind text NOT NULL CHECK (kind IN (
    'info', 'source', 'organisation', 'place', 'neighbourhood', 'test', 'programme', 'body', 'delegation', 'mou'
  )),
  entry_id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  position integer NOT NULL, -- order in its file, so pages list entries as the partnership wrote them
  content jsonb NOT NULL,
  content_hash text NOT NULL,
  load_id bigint NOT NULL REFERENCES partnership_load (id),
  recorded_from timestamptz NOT NULL,
  recorded_to timestamptz,
  PRIMARY KEY (partnership_id, kind, entry_id, version),
  CHECK (recorded_to IS NULL OR recorded_to >= recorded_from)
);

-- At most one current version of each entry.
CREATE UNIQUE INDEX partnership_entry_current
  ON partnership_entry (partnership_id, kind, entry_id)
  WHERE recorded_to IS NULL;
