-- The FHIR API's Bulk Data `$import` (src/record/import/jobs.ts): each request to load a partner's NDJSON files is a
-- job, run in the background one at a time, its status polled at /fhir/$import-status/{id}. The request lists the
-- files (types and the URLs the partner gave, all inside its own import folder); the job keeps its counts, what
-- went in from each file, and the first problems with their file and line (never a value from a line: they are
-- identifiable). A job queued or running when the server stopped is run again at the next start: an import is
-- idempotent, so that is safe.

CREATE TABLE record_import_job (
  id uuid PRIMARY KEY,
  -- The organisation whose files are imported, and the token (or user) that asked.
  organisation text NOT NULL CHECK (organisation ~ '^[A-Za-z0-9][A-Za-z0-9-]*$'),
  requested_by text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
  request jsonb NOT NULL CHECK (jsonb_typeof(request) = 'object'),
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  -- Asked to stop while running: it stops after the batch it is writing, and is then cancelled.
  cancel_requested boolean NOT NULL DEFAULT false,
  read_count integer NOT NULL DEFAULT 0 CHECK (read_count >= 0),
  created_count integer NOT NULL DEFAULT 0 CHECK (created_count >= 0),
  updated_count integer NOT NULL DEFAULT 0 CHECK (updated_count >= 0),
  unchanged_count integer NOT NULL DEFAULT 0 CHECK (unchanged_count >= 0),
  skipped_count integer NOT NULL DEFAULT 0 CHECK (skipped_count >= 0),
  linked_count integer NOT NULL DEFAULT 0 CHECK (linked_count >= 0),
  -- Per file: its type, URL, lines read, taken and skipped.
  output jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(output) = 'array'),
  -- The first problems (file, line, message), as many as the import keeps.
  issues jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(issues) = 'array'),
  -- Why a failed job failed, in words that quote no data.
  failure text,
  requested_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
  CHECK ((status = 'failed') = (failure IS NOT NULL))
);
-- The queue: jobs waiting or running, oldest first.
CREATE INDEX record_import_job_waiting ON record_import_job (requested_at) WHERE status IN ('queued', 'running');
