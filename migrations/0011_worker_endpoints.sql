-- Up Migration

-- Where each running worker process serves its Prometheus metrics, by its Temporal identity;
-- `status` lists those of the workers that are polling now.
CREATE TABLE worker_endpoints (
  identity    text PRIMARY KEY,
  metrics_url text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE worker_endpoints;
